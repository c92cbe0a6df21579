//! The exit codes (README, "Command line"), decided in one place: from the class of a failure.

use crate::error::{ErrorClass, Problem};

/// Process exit codes, as the README's "Command line" section lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// Bad usage or input.
    Usage = 2,
    /// Rejected by Adobe (4xx).
    Rejected = 3,
    /// Network, timeout or 5xx.
    Network = 4,
    /// Local store or keyring failure.
    Store = 5,
    /// `create` made the connection, and AEP now has another S3 connection of the same name in
    /// the sandbox (made at the same time elsewhere): the connection's ID is printed as on
    /// success, the other one named in a warning and under `duplicates` in `--json`.
    CreatedWithDuplicates = 6,
}

impl From<ErrorClass> for Exit {
    fn from(class: ErrorClass) -> Self {
        match class {
            ErrorClass::Input => Self::Usage,
            ErrorClass::Rejected => Self::Rejected,
            ErrorClass::Unavailable => Self::Network,
            ErrorClass::Local => Self::Store,
        }
    }
}

impl Exit {
    /// The number the process exits with.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The exit code of a failure.
    pub fn of(problem: &(impl Problem + ?Sized)) -> Self {
        problem.class().into()
    }
}

/// The exit code of any domain error, as a method: `error.exit()`.
pub trait ToExit {
    /// The exit code for this failure.
    fn exit(&self) -> Exit;

    /// The exit code as the process returns it.
    fn exit_code(&self) -> i32 {
        self.exit().code()
    }
}

impl<P: Problem + ?Sized> ToExit for P {
    fn exit(&self) -> Exit {
        Exit::of(self)
    }
}
