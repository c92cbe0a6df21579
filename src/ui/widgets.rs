//! Small shared widgets: labelled inputs, copy buttons, the status bar and error windows.

use super::action::Action;

/// A single-line input tied to its label for screen readers (AccessKit `labelled_by`). Secrets
/// go in through a [`SecretText`].
pub fn labelled_text(
    ui: &mut egui::Ui,
    label: &egui::Response,
    value: &mut dyn egui::TextBuffer,
    password: bool,
    hint: &str,
) -> egui::Response {
    ui.add(
        egui::TextEdit::singleline(value)
            .password(password)
            .hint_text(hint)
            .desired_width(ui.available_width().clamp(160.0, 560.0)),
    )
    .labelled_by(label.id)
}

/// A secret's text buffer for `egui::TextEdit`. Typing into a plain `String` grows it by
/// reallocation, which frees the outgrown buffer with the secret's first characters still in it;
/// this one moves to a larger zeroizing buffer itself and zeroizes the old one.
pub struct SecretText<'a>(pub &'a mut zeroize::Zeroizing<String>);

impl egui::TextBuffer for SecretText<'_> {
    fn is_mutable(&self) -> bool {
        true
    }

    fn as_str(&self) -> &str {
        self.0.as_str()
    }

    fn insert_text(&mut self, text: &str, char_index: egui::text::CharIndex) -> usize {
        let needed = self.0.len() + text.len();
        if needed > self.0.capacity() {
            let mut grown = String::with_capacity(needed.max(64).next_power_of_two());
            grown.push_str(self.0.as_str());
            // The old `Zeroizing` buffer is zeroized as it is dropped here.
            *self.0 = zeroize::Zeroizing::new(grown);
        }
        egui::TextBuffer::insert_text(&mut **self.0, text, char_index)
    }

    fn delete_char_range(&mut self, char_range: std::ops::Range<egui::text::CharIndex>) {
        egui::TextBuffer::delete_char_range(&mut **self.0, char_range);
    }

    fn type_id(&self) -> std::any::TypeId {
        std::any::TypeId::of::<SecretText<'static>>()
    }
}

/// The rows of a new AWS key in a two-column grid: its ID, secret and session token, each
/// labelled (the rotate dialogs).
pub fn new_key_rows(
    ui: &mut egui::Ui,
    access_key_id: &mut String,
    secret_key: &mut zeroize::Zeroizing<String>,
    session_token: &mut zeroize::Zeroizing<String>,
) {
    let l = ui.label("New access key ID");
    labelled_text(ui, &l, access_key_id, false, "AKIA… or ASIA…");
    ui.end_row();
    let l = ui.label("New secret access key");
    labelled_text(ui, &l, &mut SecretText(secret_key), true, "");
    ui.end_row();
    let l = ui.label("New session token");
    labelled_text(
        ui,
        &l,
        &mut SecretText(session_token),
        true,
        "only for ASIA keys",
    );
    ui.end_row();
}

/// A window that stays inside the app's window whatever its size: at most the window's size
/// less a margin, `default_width` when that fits, and its contents scrolled when they do not.
pub fn window(
    ctx: &egui::Context,
    title: impl Into<egui::WidgetText>,
    default_width: f32,
) -> egui::Window<'static> {
    let room = ctx.content_rect().size() - egui::vec2(32.0, 32.0);
    egui::Window::new(title)
        .constrain(true)
        .collapsible(false)
        .default_width(default_width.min(room.x))
        .max_width(room.x)
        .max_height(room.y)
        .scroll([false, true])
}

/// One `label: value [Copy]` line. The button comes first in the room there is, so it is never
/// pushed past the edge: a long value is cut short instead (its whole text in the tooltip, and
/// on the clipboard).
pub fn copy_row(ui: &mut egui::Ui, label: &str, value: &str, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.label(format!("{label}:"));
        let copy = ui
            .with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let copy = ui
                    .small_button(super::icons::with(super::icons::COPY, "Copy"))
                    .accessible_name(format!("Copy {label}"));
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    ui.add(egui::Label::new(egui::RichText::new(value).monospace()).truncate())
                        .on_hover_text(value);
                });
                copy
            })
            .inner;
        if copy.clicked() {
            actions.push(Action::copy(value, label));
        }
    });
}

/// What the status bar shows: the newest toast, else the newest notice, else the version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusLine<'a> {
    /// A short message that fades.
    Toast(&'a str),
    /// A lasting warning (the history file was moved aside...).
    Notice(&'a str),
    /// Nothing to say.
    Version,
}

/// The bottom bar.
pub fn status_bar_ui(ui: &mut egui::Ui, line: StatusLine<'_>) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| match line {
            StatusLine::Toast(text) => {
                ui.label(text);
            }
            StatusLine::Notice(notice) => {
                ui.colored_label(ui.visuals().warn_fg_color, notice);
            }
            StatusLine::Version => {
                ui.weak(format!("aep-s3-connect {}", crate::version::VERSION));
            }
        });
    });
}

/// Errors from the worker (what was being done, the message), in a window the user closes
/// (Esc or the button), which empties the list.
pub fn errors_ui(ctx: &egui::Context, errors: &mut Vec<(String, String)>) {
    if errors.is_empty() {
        return;
    }
    let mut open = true;
    let mut close = false;
    window(ctx, "Something failed", 480.0)
        .open(&mut open)
        .show(ctx, |ui| {
            for (context, message) in errors.iter() {
                ui.strong(format!("While {context}:"));
                ui.label(message.as_str());
                ui.add_space(6.0);
            }
            close = ui.button("Close").clicked();
        });
    if close || !open {
        errors.clear();
    }
}

/// Paints an icon of the icon font at the cursor, in `color`, as a picture only: no widget, so
/// a screen reader never reads the font's private-use character. The text beside it says what
/// it means.
pub fn icon(ui: &mut egui::Ui, icon: &str, color: egui::Color32) {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let galley = ui.painter().layout_no_wrap(icon.to_owned(), font, color);
    let size = galley.size();
    let top = ui.cursor().min.y + (ui.spacing().interact_size.y - size.y).max(0.0) / 2.0;
    let at = egui::pos2(ui.cursor().min.x, top);
    ui.painter().galley(at, galley, color);
    // The icon's width and a gap before the word it goes with.
    ui.add_space(size.x + 4.0);
}

/// An icon standing alone for a word: painted, and read by a screen reader as `name`.
pub fn icon_named(
    ui: &mut egui::Ui,
    glyph: &str,
    name: &str,
    color: egui::Color32,
) -> egui::Response {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let galley = ui.painter().layout_no_wrap(glyph.to_owned(), font, color);
    let size = egui::vec2(galley.size().x, ui.spacing().interact_size.y);
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    let at = rect.center() - galley.size() / 2.0;
    ui.painter().galley(at, galley, color);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, name));
    response.on_hover_text(name)
}

/// `text` in `color` after its [`icon`]: one label, read as `text` alone.
pub fn icon_label(
    ui: &mut egui::Ui,
    glyph: &str,
    text: impl Into<egui::RichText>,
    color: egui::Color32,
) -> egui::Response {
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        icon(ui, glyph, color);
        ui.colored_label(color, text)
    })
    .inner
}

/// What a keyring is, and what to do without one, for the window (the first run, a failed save).
pub const KEYRING_EXPLAINED: &str = "A keyring is your computer's safe store for passwords: \
    Credential Manager on Windows, Keychain on macOS, GNOME Keyring or KWallet on Linux (on \
    Debian or Ubuntu: `sudo apt install gnome-keyring`, then log in again). Without one, the \
    client secret can be kept for this session only, and the demo needs none.";

/// When a token stops being valid, with its day unless today, and how long that is from now:
/// `valid until 00:09 tomorrow (23 h 59 min left)`, or `expired at 14:02`.
pub fn validity_text(expires: crate::model::EpochMs, now: crate::model::EpochMs) -> String {
    let at = expires.local_hh_mm_near(now);
    if expires <= now {
        format!("expired at {at}")
    } else {
        format!(
            "valid until {at} ({} left)",
            crate::model::duration_text(expires.0 - now.0)
        )
    }
}

/// A ring around the control that has keyboard focus, while the user moves with the keyboard
/// (Tab, arrows); a mouse press hides it again, as browsers do. egui marks a focused button only
/// by a shade, and a frameless one (a sort header, an icon) not at all.
pub fn focus_ring(ctx: &egui::Context) {
    let key = egui::Id::unique("keyboard-navigating");
    let (keyboard, pointer) = ctx.input(|i| {
        let keyboard = i.events.iter().any(|e| {
            matches!(
                e,
                egui::Event::Key {
                    key: egui::Key::Tab
                        | egui::Key::ArrowUp
                        | egui::Key::ArrowDown
                        | egui::Key::ArrowLeft
                        | egui::Key::ArrowRight,
                    pressed: true,
                    ..
                }
            )
        });
        (keyboard, i.pointer.any_pressed())
    });
    let navigating = ctx.data_mut(|d| {
        let flag = d.get_temp_mut_or(key, false);
        if keyboard {
            *flag = true;
        } else if pointer {
            *flag = false;
        }
        *flag
    });
    let focused = ctx.memory(egui::Memory::focused);
    let Some(response) = focused
        .filter(|_| navigating)
        .and_then(|id| ctx.read_response(id))
    else {
        return;
    };
    let stroke = egui::Stroke::new(2.0, ctx.global_style().visuals.selection.stroke.color);
    ctx.layer_painter(response.layer_id).rect_stroke(
        response.rect.expand(2.0),
        4.0,
        stroke,
        egui::StrokeKind::Outside,
    );
}

#[cfg(test)]
mod tests {
    use egui::TextBuffer as _;
    use egui::text::CharIndex;
    use zeroize::Zeroizing;

    use super::SecretText;

    #[test]
    fn secret_text_grows_into_a_new_buffer_and_edits_like_a_string() {
        let mut secret = Zeroizing::new(String::new());
        let mut expected = String::new();
        for (i, c) in "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            .repeat(3)
            .chars()
            .enumerate()
        {
            let before = secret.capacity();
            let inserted = SecretText(&mut secret).insert_text(&c.to_string(), CharIndex(i));
            expected.push(c);
            assert_eq!(inserted, 1);
            assert_eq!(secret.as_str(), expected);
            // Growth happens here, never inside `String::insert_str` (which would free the old
            // buffer unzeroized): within capacity it stays put, else it at least doubles to 64.
            assert!(secret.capacity() == before || secret.capacity() >= 64.max(before * 2));
        }
        SecretText(&mut secret).insert_text("é", CharIndex(1));
        assert!(secret.starts_with("wéJal"));
        SecretText(&mut secret).delete_char_range(CharIndex(0)..CharIndex(2));
        assert!(secret.starts_with("Jal"));
        SecretText(&mut secret).clear();
        assert!(secret.is_empty());
    }
}
