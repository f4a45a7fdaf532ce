# packages/shared/app.json is the one source of the app's name and version; the C++ side reads it here.
set(APP_JSON_PATH "${CMAKE_CURRENT_LIST_DIR}/../packages/shared/app.json")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${APP_JSON_PATH}")
file(READ "${APP_JSON_PATH}" _app_json)
string(JSON APP_NAME GET "${_app_json}" name)
string(JSON APP_VERSION GET "${_app_json}" version)
if(APP_NAME STREQUAL "" OR APP_VERSION STREQUAL "")
  message(FATAL_ERROR "packages/shared/app.json needs non-empty \"name\" and \"version\"")
endif()

# The Tauri identifier names the app's data folder (BACKEND_DATA_DIR's default), as Tauri's app_data_dir() does.
set(TAURI_CONF_PATH "${CMAKE_CURRENT_LIST_DIR}/../apps/desktop/src-tauri/tauri.conf.json")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${TAURI_CONF_PATH}")
file(READ "${TAURI_CONF_PATH}" _tauri_conf)
string(JSON APP_IDENTIFIER GET "${_tauri_conf}" identifier)
if(NOT APP_IDENTIFIER MATCHES "^[A-Za-z0-9.-]+$")
  message(FATAL_ERROR "tauri.conf.json: \"identifier\" must be a reverse domain name (got '${APP_IDENTIFIER}')")
endif()
