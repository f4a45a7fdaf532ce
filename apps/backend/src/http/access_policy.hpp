#pragma once
// Who may talk to us: the Host allow-list (DNS rebinding), the CORS origins and the optional bearer token.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace backend {

class AccessPolicy {
 public:
  AccessPolicy(std::uint16_t port, const std::vector<std::string>& extra_hosts,
               const std::vector<std::string>& extra_origins, std::string token);

  bool host_allowed(std::string_view host) const;
  bool origin_allowed(std::string_view origin) const;
  bool token_required() const { return !token_.empty(); }
  // Constant time in the length of the presented value, whatever it holds.
  bool authorization_valid(std::string_view authorization) const;

  // The Tauri v2 webview origins on macOS/Linux and on Windows.
  static constexpr std::string_view kTauriOrigins[] = {"tauri://localhost", "http://tauri.localhost",
                                                       "https://tauri.localhost"};

 private:
  std::vector<std::string> hosts_;  // lower case, each with its port
  std::vector<std::string> origins_;
  std::string expected_authorization_;  // "Bearer <token>"
  std::string token_;
};

}  // namespace backend
