# packages/shared/app.json is the one source of the app's name and version; the C++ side reads it here.
set(APP_JSON_PATH "${CMAKE_CURRENT_LIST_DIR}/../packages/shared/app.json")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${APP_JSON_PATH}")
file(READ "${APP_JSON_PATH}" _app_json)
string(JSON APP_NAME GET "${_app_json}" name)
string(JSON APP_VERSION GET "${_app_json}" version)
if(APP_NAME STREQUAL "" OR APP_VERSION STREQUAL "")
  message(FATAL_ERROR "packages/shared/app.json needs non-empty \"name\" and \"version\"")
endif()
