//! Where a create goes: the profile's sandbox, ticked, and any other sandboxes of the org the
//! user ticks (the same connection in each, as one batch).

use std::collections::BTreeSet;

use crate::api::sandboxes::{Sandbox, SandboxKind, sandbox_kind, sandbox_label};
use crate::ui::action::Action;

/// The sandboxes ticked, kept apart from the profile's own so that switching sandboxes keeps
/// the choice meaningful: the new own sandbox is ticked, the others stay as they were.
#[derive(Debug, Default)]
pub struct SandboxChoice {
    /// Sandboxes ticked besides the profile's.
    pub others: BTreeSet<String>,
    /// The profile's own sandbox was unticked.
    pub skip_own: bool,
}

/// Where a create goes, as the form's button and the production question need it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Destination {
    /// The profile's sandbox.
    pub own: String,
    /// Every sandbox ticked, the profile's first, then in the order AEP lists them.
    pub sandboxes: Vec<String>,
    /// Those of them that are production, with how that is known.
    pub production: Vec<(String, SandboxKind)>,
}

impl Destination {
    /// True for today's single create in the profile's sandbox.
    pub fn is_own_only(&self) -> bool {
        self.sandboxes.len() == 1 && self.sandboxes[0] == self.own
    }
}

impl SandboxChoice {
    /// The sandboxes ticked: `own` first unless unticked, then the others in `listed` order
    /// (any not listed, at the end).
    pub fn chosen(&self, own: &str, listed: &[Sandbox]) -> Vec<String> {
        let mut chosen: Vec<String> = Vec::new();
        if !self.skip_own {
            chosen.push(own.to_owned());
        }
        let in_list = listed
            .iter()
            .map(|s| &s.name)
            .filter(|n| self.others.contains(*n));
        let rest = self
            .others
            .iter()
            .filter(|n| !listed.iter().any(|s| &s.name == *n));
        for name in in_list.chain(rest) {
            if name != own {
                chosen.push(name.clone());
            }
        }
        chosen
    }

    /// Ticks or unticks `sandbox`.
    fn set(&mut self, own: &str, sandbox: &str, ticked: bool) {
        if sandbox == own {
            self.skip_own = !ticked;
        } else if ticked {
            self.others.insert(sandbox.to_owned());
        } else {
            self.others.remove(sandbox);
        }
    }

    /// Ticks only `sandboxes` (*Retry failed* and tests).
    pub fn only(&mut self, own: &str, sandboxes: &[String]) {
        self.skip_own = !sandboxes.iter().any(|s| s == own);
        self.others = sandboxes.iter().filter(|s| *s != own).cloned().collect();
    }
}

/// The sandbox choice: a collapsed header that says where the connection goes, and inside a
/// checkbox per active sandbox of the org (production said in capitals), or a button that loads
/// the list.
pub fn sandbox_choice_ui(
    ui: &mut egui::Ui,
    choice: &mut SandboxChoice,
    destination: &Destination,
    listed: Option<&[Sandbox]>,
    actions: &mut Vec<Action>,
) {
    let production = |name: &str| sandbox_kind(name, listed).production;
    let summary = match destination.sandboxes.as_slice() {
        [] => "none ticked".to_owned(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
    };
    egui::CollapsingHeader::new(format!("Sandboxes: {summary}"))
        .id_salt("form-sandboxes")
        .default_open(!destination.is_own_only())
        .show(ui, |ui| {
            ui.weak("The same connection is created in each sandbox ticked.");
            let Some(listed) = listed else {
                ui.horizontal_wrapped(|ui| {
                    ui.label("The organisation's sandboxes are not loaded yet.");
                    if ui.button("Load sandboxes").clicked() {
                        actions.push(Action::ListSandboxes);
                    }
                });
                return;
            };
            let own = destination.own.as_str();
            // One a line: a long list stays readable, and nothing runs off a narrow window.
            ui.vertical(|ui| {
                for sandbox in listed.iter().filter(|s| s.is_active()) {
                    let mut label = sandbox_label(&sandbox.name, production(&sandbox.name));
                    if sandbox.name == own {
                        label.push_str(" (this profile's)");
                    }
                    let mut ticked = destination.sandboxes.contains(&sandbox.name);
                    // Its ID from its name: a list read again in another order keeps each
                    // box's identity (what a screen reader or a click is aimed at).
                    let changed = ui
                        .push_id(&sandbox.name, |ui| ui.checkbox(&mut ticked, label))
                        .inner
                        .changed();
                    if changed {
                        choice.set(own, &sandbox.name, ticked);
                    }
                }
            });
        });
}
