//! The history: the side panel beside the form (search as you type, filters, the list with pages
//! loaded on demand so 100,000 rows scroll as smoothly as ten) and, in the centre, the details of
//! the record selected in it.

mod details;
mod filters;
mod list;

use std::collections::{HashMap, HashSet};

pub use details::details_ui;

use super::action::Action;
use super::icons;
use crate::store::history::{Attempt, AttemptStatus, HistoryOrder, HistoryQuery};
use crate::worker::{HistoryPage, Job};

/// Rows per page asked of the worker.
pub const PAGE: usize = HistoryQuery::PAGE;

/// Rows beyond those in view whose pages are asked for ahead (about ten wheel steps).
const LOOK_AHEAD: usize = 50;

/// The history's state: filters, order, the pages loaded, the selected record.
#[derive(Default)]
pub struct HistoryScreen {
    /// Search text.
    search: String,
    /// Status filter.
    status: Option<AttemptStatus>,
    /// Profile filter.
    profile: Option<String>,
    /// Sandbox filter.
    sandbox: Option<String>,
    /// The profiles and sandboxes found in the history (the filters' choices).
    facets: Facets,
    /// Sort order.
    pub(crate) order: HistoryOrder,
    generation: u64,
    /// Rows matching, once known.
    total: Option<usize>,
    pages: HashMap<usize, Vec<Attempt>>,
    requested: HashSet<usize>,
    /// The record whose details the centre shows.
    selected: Option<Attempt>,
    /// The record waiting for a delete confirmation.
    confirm_delete: Option<Attempt>,
    /// The last removed record, for undo.
    undo: Option<Attempt>,
    /// Focus the search box next frame (Ctrl+F).
    focus_search: bool,
}

/// The values the Profile and Sandbox filters offer: those in the history.
#[derive(Default)]
struct Facets {
    profiles: Vec<String>,
    sandboxes: Vec<String>,
}

impl HistoryScreen {
    /// A screen in `order`, with nothing loaded.
    pub fn new(order: HistoryOrder) -> Self {
        Self {
            order,
            ..Self::default()
        }
    }

    /// The filters and order as a query (no paging).
    pub fn query(&self) -> HistoryQuery {
        HistoryQuery {
            search: Some(self.search.trim().to_owned()).filter(|s| !s.is_empty()),
            status: self.status,
            profile: self.profile.clone(),
            sandbox: self.sandbox.clone(),
            limit: None,
            offset: 0,
            order: self.order,
        }
    }

    /// True when the search or a filter narrows the list.
    fn is_filtered(&self) -> bool {
        let q = self.query();
        q.search.is_some() || q.status.is_some() || q.profile.is_some() || q.sandbox.is_some()
    }

    /// Forgets the loaded pages (the data or the query changed).
    pub fn invalidate(&mut self) {
        self.generation += 1;
        self.pages.clear();
        self.requested.clear();
    }

    /// Takes a page from the worker, unless it answers an older query. A selected record on it
    /// is refreshed (a pending one may have settled).
    pub fn on_page(
        &mut self,
        query: &HistoryQuery,
        generation: u64,
        rows: Vec<Attempt>,
        total: usize,
    ) {
        if generation != self.generation {
            return;
        }
        if let Some(selected) = &mut self.selected
            && let Some(fresh) = rows.iter().find(|r| r.id == selected.id)
        {
            *selected = fresh.clone();
        }
        self.total = Some(total);
        self.pages.insert(query.offset / PAGE, rows);
    }

    /// Starts over with the first page the worker read with the setup, when it answers the
    /// query shown (the history's default order; with another order restored from the last
    /// session the page is asked for as usual).
    pub fn start_with(&mut self, first_page: Option<Box<HistoryPage>>) {
        self.invalidate();
        if let Some(page) = first_page
            && page.query == self.query().page(0)
        {
            self.total = Some(page.total);
            self.pages.insert(0, page.rows);
        }
    }

    /// The profiles and sandboxes the history holds, for the filters.
    pub fn on_facets(&mut self, profiles: Vec<String>, sandboxes: Vec<String>) {
        self.facets = Facets {
            profiles,
            sandboxes,
        };
    }

    /// Row `i` in the current order, if its page is loaded.
    pub fn row(&self, i: usize) -> Option<&Attempt> {
        self.pages.get(&(i / PAGE))?.get(i % PAGE)
    }

    /// Jobs for the pages covering `rows` that are neither loaded nor asked for.
    pub fn jobs_for(&mut self, rows: std::ops::Range<usize>) -> Vec<Job> {
        let first = rows.start / PAGE;
        let last = rows.end.saturating_sub(1) / PAGE;
        let mut jobs = Vec::new();
        for page in first..=last {
            if self.pages.contains_key(&page) || !self.requested.insert(page) {
                continue;
            }
            jobs.push(Job::LoadHistory {
                query: self.query().page(page),
                generation: self.generation,
            });
        }
        jobs
    }

    /// True when every page asked for has arrived.
    pub fn is_settled(&self) -> bool {
        self.requested.iter().all(|p| self.pages.contains_key(p))
    }

    /// The record shown in the centre, if one is selected.
    pub fn selected(&self) -> Option<&Attempt> {
        self.selected.as_ref()
    }

    /// Back to the form: nothing selected.
    pub(crate) fn deselect(&mut self) {
        self.selected = None;
    }

    /// A record was removed: offer to undo, and stop showing it.
    pub(crate) fn on_deleted(&mut self, attempt: Attempt) {
        if self.selected.as_ref().is_some_and(|s| s.id == attempt.id) {
            self.selected = None;
        }
        self.undo = Some(attempt);
    }

    /// Focuses the search box next frame (Ctrl+F).
    pub(crate) fn focus_search(&mut self) {
        self.focus_search = true;
    }

    /// Closes what is open over the history (Esc): the delete confirmation, else the details.
    /// True when something was closed.
    pub(crate) fn close(&mut self) -> bool {
        if self.confirm_delete.take().is_some() {
            return true;
        }
        self.selected.take().is_some()
    }
}

/// Draws the history panel: search, filters, export, the count and the list.
pub fn history_panel_ui(ui: &mut egui::Ui, screen: &mut HistoryScreen, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.heading("History");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            export_menu_ui(ui, actions);
        });
    });
    let mut changed = false;
    let search = ui
        .add(
            egui::TextEdit::singleline(&mut screen.search)
                .hint_text(format!(
                    "{} name, ID, bucket, key ID, error… (Ctrl+F)",
                    icons::SEARCH
                ))
                .desired_width(f32::INFINITY),
        )
        .accessible_name("Search history");
    if screen.focus_search {
        search.request_focus();
        screen.focus_search = false;
    }
    changed |= search.changed();
    changed |= filters::filters_ui(ui, screen);
    if let Some(undo) = &screen.undo {
        let (mut restore, mut dismiss) = (false, false);
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("Removed \"{}\" from the history.", undo.name));
            restore = ui.button("Undo").clicked();
            dismiss = ui.small_button("Dismiss").clicked();
        });
        if restore && let Some(undo) = screen.undo.take() {
            actions.push(Action::RestoreAttempt(Box::new(undo)));
        } else if dismiss {
            screen.undo = None;
        }
    }
    if changed {
        screen.invalidate();
    }
    changed |= count_ui(ui, screen);
    if changed {
        screen.invalidate();
    }
    // The first page is always wanted: it also brings the count, which sizes the list.
    actions.push(Action::ShowHistoryRows(0..1));
    list::list_ui(ui, screen, actions);
    confirm_delete_ui(ui.ctx(), screen, actions);
}

/// "Export…": the history as CSV or JSON, with the search and filters applied.
fn export_menu_ui(ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let menu = ui.menu_button(icons::with(icons::EXPORT, "Export"), |ui| {
        for (label, format) in [
            ("As CSV…", crate::records::export::ExportFormat::Csv),
            ("As JSON…", crate::records::export::ExportFormat::Json),
        ] {
            if ui.button(label).clicked() {
                actions.push(Action::Pick(super::dialogs::FileRequest::export(format)));
                ui.close();
            }
        }
    });
    menu.response
        .accessible_name("Export history")
        .on_hover_text("Export the records listed (search and filters applied)");
}

/// How many records match, or why there are none. True when "Clear filters" was clicked.
fn count_ui(ui: &mut egui::Ui, screen: &mut HistoryScreen) -> bool {
    let mut cleared = false;
    ui.horizontal_wrapped(|ui| match screen.total {
        None => {
            ui.weak("Loading…");
        }
        Some(0) if screen.is_filtered() => {
            ui.weak("No records match the search and filters.");
            if ui.small_button("Clear search and filters").clicked() {
                screen.search.clear();
                screen.status = None;
                screen.profile = None;
                screen.sandbox = None;
                cleared = true;
            }
        }
        Some(0) => {
            ui.weak("No connections yet: the ones you create appear here.");
        }
        Some(1) => {
            ui.weak("1 record");
        }
        Some(n) => {
            ui.weak(format!("{n} records"));
        }
    });
    cleared
}

fn confirm_delete_ui(ctx: &egui::Context, screen: &mut HistoryScreen, actions: &mut Vec<Action>) {
    let Some(attempt) = &screen.confirm_delete else {
        return;
    };
    let (mut remove, mut keep) = (false, false);
    let modal = egui::Modal::new(egui::Id::unique("confirm-delete")).show(ctx, |ui| {
        ui.heading("Remove from history?");
        ui.label(format!(
            "\"{}\" is removed from this app's history only; the connection in AEP is not touched.",
            attempt.name
        ));
        ui.horizontal(|ui| {
            remove = ui
                .add(super::style::danger_button(ui, icons::TRASH, "Remove"))
                .accessible_name("Remove")
                .clicked();
            keep = ui.button("Keep").clicked();
        });
    });
    if remove {
        actions.push(Action::RemoveAttempt(attempt.id));
    }
    if remove || keep || modal.should_close() {
        screen.confirm_delete = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_asked_once_and_stale_answers_dropped() {
        let mut v = HistoryScreen::default();
        assert_eq!(v.jobs_for(0..50).len(), 1);
        assert!(v.jobs_for(0..50).is_empty(), "not asked twice");
        assert_eq!(v.jobs_for(150..450).len(), 2, "pages 1 and 2");
        assert!(!v.is_settled());
        let q = v.query();
        v.invalidate();
        v.on_page(&q, 0, vec![], 10);
        assert_eq!(v.total, None, "answer to an older generation ignored");
    }

    /// The first page read with the setup is shown at once when it answers the query shown,
    /// and asked for again when the order restored from the last session is another.
    #[test]
    fn the_setup_page_is_used_only_for_the_query_it_answers() {
        let page = || HistoryPage {
            query: HistoryQuery::default().page(0),
            rows: Vec::new(),
            total: 0,
        };
        let mut v = HistoryScreen::default();
        v.start_with(Some(Box::new(page())));
        assert_eq!(v.total, Some(0));
        assert!(v.jobs_for(0..50).is_empty(), "page 0 is there");
        assert!(v.is_settled());

        let mut v = HistoryScreen::new(HistoryOrder::NameAsc);
        v.start_with(Some(Box::new(page())));
        assert_eq!(v.total, None);
        assert_eq!(v.jobs_for(0..50).len(), 1, "asked for in the order shown");
    }
}
