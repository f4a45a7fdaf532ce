#pragma once
// Background threads (the settings store's writer) yield the core to the I/O thread: when both want the same
// core, the request being answered goes first, and the commit, which is waited for anyway (group commit,
// fsync), goes after. On a machine with a free core this changes nothing.

namespace backend::platform {

// Lowers the calling thread's scheduling priority a few steps (Linux: its own nice value; macOS: the utility
// QoS class; Windows: below normal). Best effort: a refusal leaves the thread as it was.
void lower_current_thread_priority();

}  // namespace backend::platform
