//! One module per subcommand: its arguments and what it runs.

pub mod bench;
pub mod collect;
pub mod collect_suite;
pub mod eval;
pub mod gfn;
pub mod imitate;
pub mod inspect;
pub mod subpo;
pub mod train;
pub mod train_online;
