//! `dossier changes`: what a change to the records does, in business terms. Two versions of
//! the site (git revisions or the working tree) are read, checked and analysed with the same
//! code as a build, and compared: [`digest`] computes the difference, [`format`] writes it for
//! a terminal, a pull-request comment, CI annotations or scripts.

pub mod digest;
pub mod format;
pub mod revision;

pub use digest::{Digest, State, compare};
pub use revision::{Repository, Revision, RevisionError};
