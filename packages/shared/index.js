// The TypeScript/JavaScript view of app.json, the one source of the app's name and version
// (cmake/AppInfo.cmake reads the same file for the C++ build).
import app from "./app.json" with { type: "json" };

export const APP_NAME = app.name;
export const APP_VERSION = app.version;
