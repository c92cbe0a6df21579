//! The history list: one row per record, columns that follow the panel's width
//! ([`columns_for`]), sortable headers, and a row's name that selects it.

use egui_extras::{Column, TableBuilder};

use super::{HistoryScreen, LOOK_AHEAD};
use crate::store::history::{Attempt, AttemptStatus, HistoryOrder};
use crate::ui::action::Action;
use crate::ui::{a11y_table, icons, style};

/// The list's name for screen readers (the panel's heading says "History").
pub const HISTORY_TABLE: &str = "Past connections";

/// What a row asked for (applied after the table, which borrows the screen).
enum RowAction {
    Copy(String, String),
    Curl(Box<Attempt>),
    Select(Box<Attempt>),
    Remove(Box<Attempt>),
}

/// A sortable column: its title and its two orders.
struct Sortable {
    title: &'static str,
    asc: HistoryOrder,
    desc: HistoryOrder,
}

const STARTED: Sortable = Sortable {
    title: "Started",
    asc: HistoryOrder::OldestFirst,
    desc: HistoryOrder::NewestFirst,
};
const STATUS: Sortable = Sortable {
    title: "Status",
    asc: HistoryOrder::StatusAsc,
    desc: HistoryOrder::StatusDesc,
};
/// The status column of the narrow list: sortable, titled by an icon.
const STATUS_ICON: Sortable = Sortable {
    title: "",
    asc: HistoryOrder::StatusAsc,
    desc: HistoryOrder::StatusDesc,
};
const NAME: Sortable = Sortable {
    title: "Name",
    asc: HistoryOrder::NameAsc,
    desc: HistoryOrder::NameDesc,
};
const SANDBOX: Sortable = Sortable {
    title: "Sandbox",
    asc: HistoryOrder::SandboxAsc,
    desc: HistoryOrder::SandboxDesc,
};

/// A column of the list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    /// `YYYY-MM-DD HH:MM:SS`.
    Started,
    /// `MM-DD HH:MM`, the full time in the tooltip.
    StartedShort,
    /// Icon and word.
    Status,
    /// Icon alone (the word in the tooltip and for screen readers).
    StatusIcon,
    /// The name, which selects the row.
    Name,
    Sandbox,
    /// The ID, or the first line of the error.
    ConnectionId,
}

impl Col {
    /// The column's width rule: the name takes what is left, so a wider panel widens it.
    fn column(self) -> Column {
        match self {
            Col::Started => Column::initial(150.0).at_least(110.0),
            Col::StartedShort => Column::initial(88.0).at_least(70.0).clip(true),
            Col::Status => Column::initial(88.0).at_least(70.0),
            Col::StatusIcon => Column::exact(30.0),
            Col::Name => Column::remainder().at_least(120.0).clip(true),
            Col::Sandbox => Column::initial(90.0).at_least(60.0).clip(true),
            Col::ConnectionId => Column::initial(300.0).at_least(90.0).clip(true),
        }
    }

    /// How a click on its header sorts, if it does.
    fn sort(self) -> Option<&'static Sortable> {
        match self {
            Col::Started | Col::StartedShort => Some(&STARTED),
            Col::Status => Some(&STATUS),
            Col::StatusIcon => Some(&STATUS_ICON),
            Col::Name => Some(&NAME),
            Col::Sandbox => Some(&SANDBOX),
            Col::ConnectionId => None,
        }
    }
}

/// The columns for a panel `width` wide: the narrow panel beside the form at 800 px shows
/// status, name, time and actions; a medium one adds the status word and the sandbox; a wide
/// one the full time and the connection ID.
fn columns_for(width: f32) -> &'static [Col] {
    if width >= 1000.0 {
        &[
            Col::Started,
            Col::Status,
            Col::Name,
            Col::Sandbox,
            Col::ConnectionId,
        ]
    } else if width >= 520.0 {
        &[Col::Status, Col::Name, Col::Sandbox, Col::StartedShort]
    } else {
        &[Col::StatusIcon, Col::Name, Col::StartedShort]
    }
}

/// Draws the list.
pub(super) fn list_ui(ui: &mut egui::Ui, screen: &mut HistoryScreen, actions: &mut Vec<Action>) {
    let total = screen.total.unwrap_or(0);
    let cols = columns_for(ui.available_width());
    let mut row_actions = Vec::new();
    let mut visible: Option<std::ops::Range<usize>> = None;
    let mut new_order = None;
    let order = screen.order;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 10.0;
    let view = &*screen;
    let selected_id = view.selected.as_ref().map(|s| s.id);
    // Laid out afresh whenever its room changes (the window, the divider): the name column takes
    // what is left at every width, never keeping the widths of a narrower panel.
    let bucket = crate::ui::connections::width_bucket(ui);
    a11y_table::table(ui, HISTORY_TABLE, total, cols.len() + 1, |ui, table_id| {
        let mut table = TableBuilder::new(ui)
            .id_salt(("history-table", cols.len(), bucket))
            .striped(true)
            .resizable(false)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
        for col in cols {
            table = table.column(col.column());
        }
        table
            .column(Column::exact(76.0))
            .header(row_height, |mut header| {
                let mut cells = a11y_table::Row::header(table_id);
                for col in cols {
                    header.col(|ui| {
                        cells.cell(ui, |ui| match col.sort() {
                            Some(sort) => {
                                if let Some(order) = sort_header_ui(ui, sort, order) {
                                    new_order = Some(order);
                                }
                            }
                            None => {
                                ui.strong("Connection ID");
                            }
                        });
                    });
                }
                // The actions column shows no title (its buttons are named); screen readers get one.
                header.col(|ui| cells.named_cell(ui, "Actions"));
            })
            .body(|body| {
                body.rows(row_height, total, |mut row| {
                    let i = row.index();
                    visible = Some(match visible.take() {
                        Some(r) => r.start.min(i)..r.end.max(i + 1),
                        None => i..i + 1,
                    });
                    let mut cells = a11y_table::Row::body(table_id, i);
                    let Some(a) = view.row(i) else {
                        row.col(|ui| {
                            cells.cell(ui, |ui| ui.weak("…"));
                        });
                        return;
                    };
                    let selected = selected_id == Some(a.id);
                    row.set_selected(selected);
                    for col in cols {
                        row.col(|ui| {
                            cells.cell(ui, |ui| cell_ui(ui, *col, a, selected, &mut row_actions));
                        });
                    }
                    row.col(|ui| cells.cell(ui, |ui| row_buttons_ui(ui, a, &mut row_actions)));
                });
            });
    });
    if let Some(order) = new_order {
        screen.order = order;
        screen.invalidate();
    }
    if let Some(range) = visible {
        // Rows a little beyond the view too, so a page has usually arrived by the time its rows
        // scroll in, rather than showing "…" for a frame or two.
        let wanted = range.start.saturating_sub(LOOK_AHEAD)..(range.end + LOOK_AHEAD).min(total);
        actions.push(Action::ShowHistoryRows(wanted));
    }
    for action in row_actions {
        match action {
            RowAction::Copy(text, what) => actions.push(Action::Copy { text, what }),
            RowAction::Curl(a) => actions.push(Action::CopyCurl(a)),
            RowAction::Select(a) => screen.selected = Some(*a),
            RowAction::Remove(a) => screen.confirm_delete = Some(*a),
        }
    }
}

/// A header that sorts by its column (descending first, then toggles); returns the new order.
fn sort_header_ui(ui: &mut egui::Ui, sort: &Sortable, order: HistoryOrder) -> Option<HistoryOrder> {
    let (arrow, spoken) = if order == sort.asc {
        (icons::CARET_UP, ", sorted ascending")
    } else if order == sort.desc {
        (icons::CARET_DOWN, ", sorted descending")
    } else {
        ("", "")
    };
    // The narrow status column has no room for its title: an icon, named for screen readers.
    let (shown, name) = if sort.title.is_empty() {
        (icons::INFO, "Status")
    } else {
        (sort.title, sort.title)
    };
    let clicked = ui
        .add(
            egui::Button::new(egui::RichText::new(format!("{shown} {arrow}")).strong())
                .frame(false),
        )
        .accessible_name(format!("{name}{spoken}"))
        .on_hover_text("Sort by this column")
        .clicked();
    clicked.then_some(if order == sort.desc {
        sort.asc
    } else {
        sort.desc
    })
}

/// One cell of record `a`.
fn cell_ui(
    ui: &mut egui::Ui,
    col: Col,
    a: &Attempt,
    selected: bool,
    row_actions: &mut Vec<RowAction>,
) {
    let started = a.started_at_ms;
    match col {
        Col::Started => {
            ui.label(started.local());
        }
        Col::StartedShort => {
            ui.label(started.local_month_day())
                .on_hover_text(started.local());
        }
        Col::Status => status_ui(ui, a.status, true),
        Col::StatusIcon => status_ui(ui, a.status, false),
        Col::Name => {
            if ui
                .add(egui::Button::selectable(selected, a.name.as_str()).truncate())
                .on_hover_text("Show the details")
                .clicked()
            {
                row_actions.push(RowAction::Select(Box::new(a.clone())));
            }
        }
        Col::Sandbox => {
            ui.label(a.sandbox.as_str());
        }
        Col::ConnectionId => match &a.connection_id {
            Some(id) => {
                ui.monospace(id.as_str());
            }
            None => {
                let message = a.error_message.as_deref().unwrap_or("");
                ui.weak(message.lines().next().unwrap_or(""))
                    .on_hover_text(message);
            }
        },
    }
}

/// A status with its icon and colour; the word too when there is room (colour is never the
/// only cue: the icons differ in shape, and the tooltip and screen readers have the word).
fn status_ui(ui: &mut egui::Ui, status: AttemptStatus, with_word: bool) {
    let (icon, color) = match status {
        AttemptStatus::Created => (icons::CHECK, style::created_color(ui.visuals())),
        AttemptStatus::Failed => (icons::FAILED, ui.visuals().error_fg_color),
        AttemptStatus::Pending => (icons::PENDING, ui.visuals().warn_fg_color),
    };
    if with_word {
        crate::ui::widgets::icon_label(ui, icon, status.as_str(), color)
            .on_hover_text(status.as_str());
    } else {
        crate::ui::widgets::icon_named(ui, icon, status.as_str(), color);
    }
}

/// "Copy ID" and "More", each named with the row's record for screen readers.
fn row_buttons_ui(ui: &mut egui::Ui, a: &Attempt, row_actions: &mut Vec<RowAction>) {
    // Fixed width, so "More" is in the same place on rows without an ID to copy.
    let size = egui::vec2(30.0, ui.spacing().interact_size.y - 4.0);
    match &a.connection_id {
        Some(id) => {
            let name = format!("Copy ID of {}", a.name);
            let copy = ui
                .add_sized(size, egui::Button::new(icons::COPY))
                .accessible_name(name.as_str())
                .on_hover_text(name);
            if copy.clicked() {
                row_actions.push(RowAction::Copy(id.clone(), "connection ID".to_owned()));
            }
        }
        None => {
            ui.add_space(size.x + ui.spacing().item_spacing.x);
        }
    }
    let menu = ui.menu_button(icons::MORE, |ui| {
        if style::icon_button(ui, icons::INFO, "Details").clicked() {
            row_actions.push(RowAction::Select(Box::new(a.clone())));
            ui.close();
        }
        if let Some(etag) = &a.etag
            && style::icon_button(ui, icons::COPY, "Copy etag").clicked()
        {
            row_actions.push(RowAction::Copy(etag.clone(), "etag".to_owned()));
            ui.close();
        }
        if style::icon_button(ui, icons::TERMINAL, "Copy as cURL").clicked() {
            row_actions.push(RowAction::Curl(Box::new(a.clone())));
            ui.close();
        }
        ui.separator();
        if ui
            .add(style::danger_button(
                ui,
                icons::TRASH,
                "Remove from history",
            ))
            .accessible_name("Remove from history")
            .clicked()
        {
            row_actions.push(RowAction::Remove(Box::new(a.clone())));
            ui.close();
        }
    });
    menu.response
        .accessible_name(format!("More actions for {}", a.name))
        .on_hover_text("More actions");
}
