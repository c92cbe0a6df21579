//! The explorer window: a connection's storage as a tree whose folders load when opened, and a
//! preview of a file's first rows.

use crate::ui::icons;
use std::collections::HashMap;

use crate::api::explore::{ExploreItem, ExploreItemType, Preview};
use crate::ui::action::Action;
use crate::ui::loadable::Loadable;

/// The explorer of one connection: each folder's items once loaded.
#[derive(Default)]
pub struct Explorer {
    /// Connection ID.
    pub id: String,
    /// Connection name.
    pub name: String,
    /// Folder path ("" = root) → items.
    pub folders: HashMap<String, Loadable<Vec<ExploreItem>>>,
    /// The file being previewed.
    pub preview: Option<(String, Loadable<Preview>)>,
}

impl Explorer {
    /// An explorer on a connection whose root is being loaded.
    pub fn new(id: &str, name: &str) -> Self {
        let mut explorer = Self {
            id: id.to_owned(),
            name: name.to_owned(),
            ..Self::default()
        };
        explorer.folders.insert(String::new(), Loadable::Loading);
        explorer
    }
}

/// Draws the explorer, if open; closing it forgets it.
pub(super) fn explorer_window_ui(
    ctx: &egui::Context,
    explorer: &mut Option<Explorer>,
    actions: &mut Vec<Action>,
) {
    let Some(shown) = explorer else {
        return;
    };
    let mut open = true;
    crate::ui::widgets::window(ctx, format!("Explore {}", shown.name), 640.0)
        .open(&mut open)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(260.0)
                .show(ui, |ui| {
                    folder_ui(ui, shown, "", actions);
                });
            if let Some((path, preview)) = &shown.preview {
                ui.separator();
                ui.strong(format!("Preview of {path}"));
                preview_ui(ui, preview);
            }
        });
    if !open {
        *explorer = None;
    }
}

/// One folder's items; subfolders load when opened.
fn folder_ui(ui: &mut egui::Ui, explorer: &Explorer, path: &str, actions: &mut Vec<Action>) {
    match explorer.folders.get(path) {
        None | Some(Loadable::Idle) => {}
        Some(Loadable::Loading) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading…");
            });
        }
        Some(Loadable::Failed(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
        }
        Some(Loadable::Ready(items)) if items.is_empty() => {
            ui.weak("(empty)");
        }
        Some(Loadable::Ready(items)) => {
            for item in items {
                match item.item_type {
                    ExploreItemType::Folder => {
                        let header =
                            egui::CollapsingHeader::new(icons::with(icons::FOLDER, &item.name))
                                .id_salt(&item.path)
                                .show(ui, |ui| folder_ui(ui, explorer, &item.path, actions));
                        let header_response = header
                            .header_response
                            .clone()
                            .accessible_name(format!("Folder {}", item.name));
                        if (header.fully_open() || header_response.clicked())
                            && !explorer.folders.contains_key(&item.path)
                        {
                            actions.push(Action::ExploreFolder {
                                id: explorer.id.clone(),
                                path: item.path.clone(),
                            });
                        }
                    }
                    _ => {
                        ui.horizontal(|ui| {
                            // In line with the folders' names, past their open/close arrow.
                            ui.add_space(ui.spacing().icon_width + ui.spacing().icon_spacing);
                            let color = ui.visuals().text_color();
                            crate::ui::widgets::icon(ui, icons::FILE, color);
                            ui.label(item.name.as_str());
                            if item.can_preview
                                && ui.small_button(format!("Preview {}", item.name)).clicked()
                            {
                                actions.push(Action::Preview {
                                    id: explorer.id.clone(),
                                    path: item.path.clone(),
                                });
                            }
                        });
                    }
                }
            }
        }
    }
}

fn preview_ui(ui: &mut egui::Ui, preview: &Loadable<Preview>) {
    match preview {
        Loadable::Idle | Loadable::Loading => {
            ui.spinner();
        }
        Loadable::Failed(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
        }
        Loadable::Ready(p) => {
            egui::ScrollArea::both().id_salt("preview").show(ui, |ui| {
                egui::Grid::new("preview-grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for (name, kind) in &p.columns {
                            ui.strong(format!("{name} ({kind})"));
                        }
                        ui.end_row();
                        for row in &p.rows {
                            for (name, _) in &p.columns {
                                let cell = match row.get(name) {
                                    Some(serde_json::Value::String(s)) => s.clone(),
                                    Some(v) => v.to_string(),
                                    None => String::new(),
                                };
                                ui.label(cell);
                            }
                            ui.end_row();
                        }
                    });
            });
        }
    }
}
