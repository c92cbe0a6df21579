; The Windows installer: a per-user install (no administrator rights) of aep-s3-connect.
;
; Built by scripts/windows.sh with Debian's makensis (nothing downloaded), which passes:
;   /DVERSION=0.1.0        the version from Cargo.toml
;   /DVERSION_QUAD=0.1.0.0 the same as four numbers, for the installer's version block
;   /DSTAGE=DIR            the files to install: both .exe files, README.md, CHANGELOG.md, the licences
;   /DICON=FILE            assets/aep-s3-connect.ico
;   /DOUTFILE=FILE         the installer to write
;   /DSIGN_COMMAND=FILE    (when a certificate is configured) scripts/windows-sign.sh, to sign the
;                          uninstaller as it is built; the installer itself is signed afterwards
;
; It installs into %LOCALAPPDATA%\Programs\aep-s3-connect, adds a Start-menu shortcut (and a desktop
; one when chosen, or with /DESKTOPSHORTCUT when silent), and registers the uninstaller under
; HKCU\...\Uninstall\aep-s3-connect for "Installed apps". /S installs or uninstalls silently. The
; uninstaller removes what the installer put there and nothing else: the user's config and history
; (%APPDATA%\aep-s3-connect) and the secrets in Credential Manager stay, and it says so.

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION | VERSION_QUAD | STAGE | ICON | OUTFILE
  !error "pass /DVERSION /DVERSION_QUAD /DSTAGE /DICON /DOUTFILE (scripts/windows.sh does)"
!endif

!ifdef SIGN_COMMAND
  !uninstfinalize '"${SIGN_COMMAND}" --as uninstall.exe "%1"' = 0
!endif

!define APP_NAME "AEP S3 Connect"
!define APP_ID "aep-s3-connect"
!define PUBLISHER "The aep-s3-connect contributors"
!define APP_EXE "aep-s3-connect.exe"
; What the shortcuts start: the app without a console window (README, "Windows").
!define LAUNCHER_EXE "aep-s3-connect-window.exe"
!define UNINSTALL_EXE "uninstall.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define DATA_KEPT "Your profiles and history (%APPDATA%\${APP_ID}) and the secrets saved in Windows Credential Manager (the entries ending in .${APP_ID}) are kept. To remove them too, see $\"Windows$\" in the README."

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_ID}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION_QUAD}"
VIFileVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} ${VERSION} setup"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "MIT OR Apache-2.0"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${LAUNCHER_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Open ${APP_NAME}"
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "${APP_NAME} will be removed from $INSTDIR. ${DATA_KEPT}"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE "${APP_NAME} was removed"
!define MUI_FINISHPAGE_TEXT "${DATA_KEPT}"
!insertmacro MUI_UNPAGE_FINISH

!insertmacro MUI_LANGUAGE "English"

Section "${APP_NAME}" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${STAGE}/${APP_EXE}"
  File "${STAGE}/${LAUNCHER_EXE}"
  File "${STAGE}/README.md"
  File "${STAGE}/CHANGELOG.md"
  File "${STAGE}/LICENSE-MIT"
  File "${STAGE}/LICENSE-APACHE"
  File "${STAGE}/LICENSE-Phosphor.txt"
  WriteUninstaller "$INSTDIR\${UNINSTALL_EXE}"

  ; The shortcut starts the launcher; the icon is the one compiled into the app.
  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${LAUNCHER_EXE}" "" "$INSTDIR\${APP_EXE}" 0 \
    SW_SHOWNORMAL "" "Create Adobe Experience Platform base connections for Amazon S3"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALL_EXE}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALL_EXE}" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

; Not chosen by default; a silent install adds it with /DESKTOPSHORTCUT.
Section /o "Desktop shortcut" SecDesktop
  CreateShortCut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${LAUNCHER_EXE}" "" "$INSTDIR\${APP_EXE}" 0
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "The app (window and command line), its README and licences, and a Start-menu shortcut."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "A shortcut on the desktop."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DESKTOPSHORTCUT" $R1
  ${IfNot} ${Errors}
    SectionGetFlags ${SecDesktop} $R2
    IntOp $R2 $R2 | ${SF_SELECTED}
    SectionSetFlags ${SecDesktop} $R2
  ${EndIf}
FunctionEnd

; Removes exactly what the installer wrote. Never touches %APPDATA%\aep-s3-connect (config,
; history, the window's saved state) nor Credential Manager.
Section "Uninstall"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${LAUNCHER_EXE}"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\CHANGELOG.md"
  Delete "$INSTDIR\LICENSE-MIT"
  Delete "$INSTDIR\LICENSE-APACHE"
  Delete "$INSTDIR\LICENSE-Phosphor.txt"
  Delete "$INSTDIR\${UNINSTALL_EXE}"
  ; Only if empty: a file someone put there stays.
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DetailPrint "${DATA_KEPT}"
SectionEnd
