//! The history's Status, Profile and Sandbox filters. Profiles and sandboxes offered are those in
//! the history (a removed profile's records can still be found), not the configured ones.

use super::HistoryScreen;
use crate::store::history::AttemptStatus;

/// Draws the filters; true when one changed.
pub(super) fn filters_ui(ui: &mut egui::Ui, h: &mut HistoryScreen) -> bool {
    let mut changed = false;
    // No labels beside the boxes (they would wrap the row in a narrow panel): each box says
    // what it filters ("Status: any"), and is named so for screen readers.
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_id_salt("status-filter")
            .selected_text(format!(
                "Status: {}",
                h.status.map_or("any", AttemptStatus::as_str)
            ))
            .width(112.0)
            .show_ui(ui, |ui| {
                changed |= ui.selectable_value(&mut h.status, None, "any").changed();
                for s in AttemptStatus::ALL {
                    changed |= ui
                        .selectable_value(&mut h.status, Some(s), s.as_str())
                        .changed();
                }
            })
            .response
            .accessible_name("Status filter");
        let facets = &h.facets;
        for (title, value, options, id) in [
            (
                "Profile",
                &mut h.profile,
                &facets.profiles,
                "profile-filter",
            ),
            (
                "Sandbox",
                &mut h.sandbox,
                &facets.sandboxes,
                "sandbox-filter",
            ),
        ] {
            egui::ComboBox::from_id_salt(id)
                .selected_text(format!("{title}: {}", value.as_deref().unwrap_or("any")))
                .width(124.0)
                .truncate()
                .show_ui(ui, |ui| {
                    changed |= ui.selectable_value(value, None, "any").changed();
                    for o in options {
                        changed |= ui
                            .selectable_value(value, Some(o.clone()), o.as_str())
                            .changed();
                    }
                    // A filter on a value no longer in the history stays visible and removable.
                    if let Some(current) = value.clone()
                        && !options.contains(&current)
                    {
                        changed |= ui
                            .selectable_value(value, Some(current.clone()), current)
                            .changed();
                    }
                })
                .response
                .accessible_name(format!("{title} filter"));
        }
    });
    changed
}
