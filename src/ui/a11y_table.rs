//! What a screen reader is told about a table. egui_extras draws rows of cells but gives them no
//! structure in the accessibility tree: each cell is an unnamed container, which AccessKit leaves
//! out, so the cells' widgets stood in one flat run. Wrapped in these, the tree reads table → row
//! → cell (or column header) → the cell's widgets, which AT-SPI and UI Automation present as a
//! table (Orca: "table with N rows", "row 3", "column 2").

use egui::accesskit::Role;
use egui::{Id, Ui, UiBuilder};

/// Draws `add` inside a table node named `name`. `rows` and `columns` count the whole table,
/// not only the rows drawn (a long list draws the ones in view). `add` gets the table's id for
/// its [`Row`]s.
pub fn table<R>(
    ui: &mut Ui,
    name: &str,
    rows: usize,
    columns: usize,
    add: impl FnOnce(&mut Ui, Id) -> R,
) -> R {
    let builder = UiBuilder::new()
        .accessibility_role(Role::Table)
        .accessibility_label(name);
    let inner = ui.scope_builder(builder, |ui| {
        let id = ui.unique_id();
        ui.ctx().accesskit_node_builder(id, |node| {
            node.set_row_count(rows);
            node.set_column_count(columns);
        });
        (id, add(ui, id))
    });
    let (id, result) = inner.inner;
    set_bounds(ui, id, inner.response.rect);
    result
}

/// Where a node is on screen: egui gives a `Ui`'s node none, and screen readers (and tests) ask.
fn set_bounds(ui: &Ui, id: Id, rect: egui::Rect) {
    ui.ctx().accesskit_node_builder(id, |node| {
        node.set_bounds(egui::accesskit::Rect {
            x0: rect.min.x.into(),
            y0: rect.min.y.into(),
            x1: rect.max.x.into(),
            y1: rect.max.y.into(),
        });
    });
}

/// One row of a [`table`]. egui_extras gives a row no `Ui` of its own, so the row's node is made
/// beside its first cell, and every cell's contents hang under it.
pub struct Row {
    table: Id,
    /// The row's place among the table's rows (`None` for the header).
    index: Option<usize>,
    /// The row's node, once its first cell is drawn.
    id: Option<Id>,
    /// The cells drawn so far, together.
    rect: egui::Rect,
    /// The next cell's column.
    column: usize,
    cell_role: Role,
}

impl Row {
    /// The header row: its cells are column headers.
    pub fn header(table: Id) -> Self {
        Self::new(table, None, Role::ColumnHeader)
    }

    /// Row `index` of the table's body.
    pub fn body(table: Id, index: usize) -> Self {
        Self::new(table, Some(index), Role::Cell)
    }

    fn new(table: Id, index: Option<usize>, cell_role: Role) -> Self {
        Self {
            table,
            index,
            id: None,
            rect: egui::Rect::NOTHING,
            column: 0,
            cell_role,
        }
    }

    /// Draws `add` in the egui_extras cell `ui` as this row's next cell.
    pub fn cell<R>(&mut self, ui: &mut Ui, add: impl FnOnce(&mut Ui) -> R) -> R {
        let row = self.node(ui);
        let (column, index) = (self.column, self.index);
        self.column += 1;
        let builder = UiBuilder::new()
            .accessibility_parent(row)
            .accessibility_role(self.cell_role);
        let cell_rect = ui.max_rect();
        let (cell, result) = ui
            .scope_builder(builder, |ui| {
                let cell = ui.unique_id();
                ui.ctx().accesskit_node_builder(cell, |node| {
                    node.set_column_index(column);
                    if let Some(index) = index {
                        node.set_row_index(index);
                    }
                });
                (cell, add(ui))
            })
            .inner;
        set_bounds(ui, cell, cell_rect);
        self.rect = self.rect.union(cell_rect);
        set_bounds(ui, row, self.rect);
        result
    }

    /// A cell with nothing drawn in it, named for screen readers (the title of a column whose
    /// buttons carry their own names).
    pub fn named_cell(&mut self, ui: &mut Ui, name: &str) {
        self.cell(ui, |ui| {
            let id = ui.unique_id();
            ui.ctx()
                .accesskit_node_builder(id, |node| node.set_label(name));
        });
    }

    /// The row's node, made under the table the first time (it takes no room: the cells do).
    fn node(&mut self, ui: &mut Ui) -> Id {
        if let Some(id) = self.id {
            return id;
        }
        let child = ui.new_child(
            UiBuilder::new()
                .id_salt("a11y-row")
                .accessibility_parent(self.table)
                .accessibility_role(Role::Row),
        );
        let id = child.unique_id();
        if let Some(index) = self.index {
            ui.ctx()
                .accesskit_node_builder(id, |node| node.set_row_index(index));
        }
        self.id = Some(id);
        id
    }
}
