//! The demo organisation: its sandboxes, each with its type and whether the demo credential
//! may use Flow Service in it.

use std::sync::{Mutex, PoisonError};

/// A sandbox of the demo organisation.
#[derive(Debug, PartialEq, Eq)]
pub struct DemoSandbox {
    /// The `x-sandbox-name` value.
    pub name: &'static str,
    /// Display title.
    pub title: &'static str,
    /// `production` or `development`.
    pub sandbox_type: &'static str,
    /// Whether this is the org's default sandbox.
    pub is_default: bool,
    /// The `sandboxId` that connections in it carry.
    pub id: &'static str,
    /// False for a sandbox the demo credential lacks Flow permissions in (every Flow call: 403).
    pub flow_access: bool,
}

/// `prod` (production, default), `dev` (development), `live` (production under another name:
/// production is a sandbox's type, never its name) and `noaccess` (exists, but every Flow call in
/// it answers 403 FLOW-2118-403).
pub const DEMO_SANDBOXES: &[DemoSandbox] = &[
    DemoSandbox {
        name: "prod",
        title: "Production",
        sandbox_type: "production",
        is_default: true,
        id: "8f4e3b2a-1c5d-4e6f-9a7b-0c1d2e3f4a5b",
        flow_access: true,
    },
    DemoSandbox {
        name: "dev",
        title: "Development",
        sandbox_type: "development",
        is_default: false,
        id: "2b6c9d1e-3f4a-4b5c-8d7e-9f0a1b2c3d4e",
        flow_access: true,
    },
    DemoSandbox {
        name: "live",
        title: "Live (EU)",
        sandbox_type: "production",
        is_default: false,
        id: "5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a",
        flow_access: true,
    },
    DemoSandbox {
        name: "noaccess",
        title: "No Access",
        sandbox_type: "development",
        is_default: false,
        id: "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
        flow_access: false,
    },
];

/// `count` more development sandboxes after the demo's four, `sandbox-01`, `sandbox-02`, …,
/// each with Flow access: an organisation with many sandboxes, for tests and benchmarks. Each is
/// made once per process (the emulator's sandboxes are `'static`) and shared by every emulator
/// that asks for it.
pub(crate) fn extra_sandboxes(count: usize) -> Vec<&'static DemoSandbox> {
    static MADE: Mutex<Vec<&'static DemoSandbox>> = Mutex::new(Vec::new());
    let mut made = MADE.lock().unwrap_or_else(PoisonError::into_inner);
    while made.len() < count {
        let n = made.len() + 1;
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        made.push(Box::leak(Box::new(DemoSandbox {
            name: leak(format!("sandbox-{n:02}")),
            title: leak(format!("Sandbox {n}")),
            sandbox_type: "development",
            is_default: false,
            id: leak(format!("00000000-0000-4000-8000-{n:012}")),
            flow_access: true,
        })));
    }
    made[..count].to_vec()
}
