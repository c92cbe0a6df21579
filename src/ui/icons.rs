//! Icons: the Phosphor icon font (regular weight, MIT, `assets/fonts/Phosphor.ttf` with its
//! license beside it, from the `@phosphor-icons/web` 2.1.2 package), added after the text fonts so
//! its glyphs (in Unicode's private use area) mix with any text. Each constant is one glyph; the
//! names are Phosphor's, so <https://phosphoricons.com> shows each one.

/// Copy to the clipboard.
pub const COPY: &str = "\u{e1ca}";
/// A new connection.
pub const PLUS: &str = "\u{e3d4}";
/// The history.
pub const HISTORY: &str = "\u{e1a0}";
/// Connections in AEP.
pub const PLUGS: &str = "\u{eb56}";
/// Profiles.
pub const USER: &str = "\u{e4c4}";
/// Delete / remove.
pub const TRASH: &str = "\u{e4a6}";
/// Refresh / reload.
pub const REFRESH: &str = "\u{e094}";
/// Search.
pub const SEARCH: &str = "\u{e30c}";
/// A folder (the explorer).
pub const FOLDER: &str = "\u{e24a}";
/// A file (the explorer).
pub const FILE: &str = "\u{e230}";
/// Browse a bucket.
pub const FOLDER_OPEN: &str = "\u{e256}";
/// Export.
pub const EXPORT: &str = "\u{eaf0}";
/// Import.
pub const IMPORT: &str = "\u{e20c}";
/// Light theme.
pub const SUN: &str = "\u{e472}";
/// Dark theme.
pub const MOON: &str = "\u{e330}";
/// Close / clear.
pub const CLOSE: &str = "\u{e4f6}";
/// Created.
pub const CHECK: &str = "\u{e184}";
/// Failed.
pub const FAILED: &str = "\u{e4f8}";
/// Pending.
pub const PENDING: &str = "\u{e2b2}";
/// A warning.
pub const WARNING: &str = "\u{e4e0}";
/// Credentials and keys.
pub const KEY: &str = "\u{e2d6}";
/// More actions.
pub const MORE: &str = "\u{e208}";
/// cURL / the terminal.
pub const TERMINAL: &str = "\u{eae8}";
/// Details.
pub const INFO: &str = "\u{e2ce}";
/// Back.
pub const BACK: &str = "\u{e058}";
/// Production.
pub const PRODUCTION: &str = "\u{e4e4}";
/// Sorted ascending.
pub const CARET_UP: &str = "\u{e13c}";
/// Sorted descending.
pub const CARET_DOWN: &str = "\u{e136}";
/// Clear the filters.
pub const CLEAR_FILTERS: &str = "\u{e26c}";
/// Open elsewhere.
pub const OPEN: &str = "\u{e5de}";
/// Follow the system's theme.
pub const SYSTEM_THEME: &str = "\u{e18c}";

/// Adds the icon font to `ctx`, after every text font of both families.
pub fn install(ctx: &egui::Context) {
    ctx.add_font(egui::epaint::text::FontInsert::new(
        "phosphor",
        egui::FontData::from_static(include_bytes!("../../assets/fonts/Phosphor.ttf")),
        [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .into_iter()
            .map(|family| egui::epaint::text::InsertFontFamily {
                family,
                priority: egui::epaint::text::FontPriority::Lowest,
            })
            .collect(),
    ));
}

/// `icon` then `text`, for a button or label.
pub fn with(icon: &str, text: &str) -> String {
    format!("{icon} {text}")
}
