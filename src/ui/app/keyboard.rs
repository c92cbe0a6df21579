//! The keyboard: the window's shortcuts, and Esc closing one thing at a time.

use super::AepApp;
use crate::ui::action::Action;
use crate::ui::persisted::Tab;

impl AepApp {
    /// The shortcuts (README, "The window"): Tab from nowhere to the form's Name, Ctrl+N new
    /// connection, Ctrl+F search the history,
    /// Ctrl+Enter create, F5 refresh, Ctrl+C (outside a text field) copy the selected record's
    /// connection ID, Esc close one thing.
    pub(super) fn keyboard(&mut self, ctx: &egui::Context) {
        // The modifiers held with each key press, not those at the frame's end: a quick chord
        // (Ctrl down, Enter, Ctrl up) can arrive within one frame.
        let command = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, key));
        let (create, find, new) = (
            command(egui::Key::Enter),
            command(egui::Key::F),
            command(egui::Key::N),
        );
        let (escape, refresh) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Escape),
                i.key_pressed(egui::Key::F5),
            )
        });
        // Ctrl+C in a text field copies its text, as everywhere.
        let copy = !ctx.egui_wants_keyboard_input()
            && ctx.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Copy)));
        // The first Tab on New connection goes to the form's Name (the history panel, drawn
        // first, would otherwise come first in the Tab order).
        let form_shown = self.persisted.tab == Tab::NewConnection
            && self.history.selected().is_none()
            && self.config.as_ref().is_some_and(|c| !c.profiles.is_empty());
        if form_shown
            && ctx.memory(|m| m.focused().is_none())
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Tab))
        {
            self.form.fields.focus_name = true;
        }
        if new {
            self.persisted.tab = Tab::NewConnection;
            self.history.deselect();
            self.form.fields.focus_name = true;
        }
        if refresh {
            self.actions.push(match self.persisted.tab {
                Tab::Connections => Action::RefreshConnections,
                Tab::NewConnection | Tab::Profiles => Action::RefreshToken,
            });
        }
        if copy
            && let Some(id) = self
                .history
                .selected()
                .and_then(|a| a.connection_id.clone())
        {
            self.actions.push(Action::copy(id, "connection ID"));
        }
        if create
            && self.persisted.tab == Tab::NewConnection
            && self.history.selected().is_none()
            && self.form.fields.blocking_reason().is_none()
        {
            self.actions.push(Action::Create);
        }
        if find {
            self.persisted.tab = Tab::NewConnection;
            self.history.focus_search();
        }
        // With a menu or a list open, Esc is the popup's: it closes that, and only that.
        if escape && !egui::Popup::is_any_open(ctx) {
            self.close_one();
        }
    }

    /// Esc: closes the top-most thing open over the window, one per press (a confirmation, then
    /// the windows, then a selected record's details), so nothing is left that Esc cannot close.
    fn close_one(&mut self) {
        if self.file_prompt.take().is_some() {
            return;
        }
        if self.form.confirm_production.take().is_some() {
            return;
        }
        if !self.errors.is_empty() {
            self.errors.clear();
            return;
        }
        if !self.form.fields.import_choices.is_empty() {
            self.form.fields.import_choices.clear();
            return;
        }
        if self.connections.close_one() || self.key_rotation.close() {
            return;
        }
        self.history.close();
    }
}
