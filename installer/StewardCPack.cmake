# Packages of the bundle set up by installer/CMakeLists.txt: DEB and TGZ on Linux (built and
# tested here), NSIS on Windows and DragNDrop on macOS (configured, untested here).
# Included last by the root CMakeLists.txt, once every install rule exists:
#   cpack --config build/<preset>/CPackConfig.cmake [-G DEB]

set(CPACK_PACKAGE_NAME "${STEWARD_PACKAGE_NAME}")
set(CPACK_PACKAGE_VERSION "${STEWARD_PACKAGE_VERSION}")
if(STEWARD_PACKAGE_VERSION MATCHES "^([0-9]+)(\\.([0-9]+))?(\\.([0-9]+))?")
    set(CPACK_PACKAGE_VERSION_MAJOR ${CMAKE_MATCH_1})
    set(CPACK_PACKAGE_VERSION_MINOR ${CMAKE_MATCH_3})
    set(CPACK_PACKAGE_VERSION_PATCH ${CMAKE_MATCH_5})
endif()
set(CPACK_PACKAGE_VENDOR "${STEWARD_APP_NAME}")
set(CPACK_PACKAGE_CONTACT "${STEWARD_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${STEWARD_APP_SUMMARY}")
# Lines under 80 characters: Debian shows the description as it is.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "The app runs under Steward, which keeps its secrets in the system keychain,\n"
    "asks for the ones a person must provide, and starts and watches its services.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "${STEWARD_APP_NAME}")
set(CPACK_STRIP_FILES TRUE)
set(CPACK_COMPONENTS_ALL Runtime)
set(CPACK_COMPONENT_RUNTIME_DISPLAY_NAME "${STEWARD_APP_NAME}")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_COMPONENT_RUNTIME_REQUIRED ON)

if(WIN32)
    set(CPACK_GENERATOR NSIS ZIP)
    # NSIS finds an earlier install by its uninstall registry key and removes it first; keyed by
    # the app's fixed GUID, a new version replaces the old one. (WiX reads the GUID directly.)
    set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY "{${STEWARD_PACKAGE_UPGRADE_GUID}}")
    set(CPACK_WIX_UPGRADE_GUID "${STEWARD_PACKAGE_UPGRADE_GUID}")
    set(CPACK_NSIS_PACKAGE_NAME "${STEWARD_APP_NAME}")
    set(CPACK_NSIS_DISPLAY_NAME "${STEWARD_APP_NAME}")
    set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\steward.exe")
    # The launcher: a Start menu shortcut that runs Steward on the installed bundle.
    string(CONCAT CPACK_NSIS_CREATE_ICONS_EXTRA
        "CreateShortCut '$SMPROGRAMS\\\\$STARTMENU_FOLDER\\\\${STEWARD_APP_NAME}.lnk' "
        "'$INSTDIR\\\\bin\\\\steward.exe' '--manifest \"$INSTDIR\\\\bundle\\\\bundle.json\"'")
    set(CPACK_NSIS_DELETE_ICONS_EXTRA
        "Delete '$SMPROGRAMS\\\\$START_MENU\\\\${STEWARD_APP_NAME}.lnk'")
elseif(APPLE)
    set(CPACK_GENERATOR DragNDrop)
    set(CPACK_DMG_VOLUME_NAME "${STEWARD_APP_NAME}")
    set(CPACK_DMG_FORMAT UDBZ)
else()
    set(CPACK_GENERATOR DEB TGZ)
    # Both lay the files out from /: opt/<package>/ and usr/share/.
    set(CPACK_PACKAGING_INSTALL_PREFIX /)
    set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY OFF)

    set(CPACK_DEB_COMPONENT_INSTALL ON)
    set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "${STEWARD_PACKAGE_NAME}")
    set(CPACK_DEBIAN_RUNTIME_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_PACKAGE_SECTION misc)
    set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    # Beyond the linked libraries: the platform plugins Qt loads for a windowed run, the SVG
    # icon engine plugin for the window and tray icons, and a Secret Service for the keychain
    # (without one, the first-run window offers an encrypted file with its key beside it).
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, libqt6svg6")

    set(CPACK_DEBIAN_PACKAGE_RECOMMENDS gnome-keyring)
    # postinst and prerm: stewardctl, its man pages and completion through the alternatives.
    set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${STEWARD_DEBIAN_CONTROL_EXTRA})
    set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
endif()

include(CPack)
