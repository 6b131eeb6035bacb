//! ONNX Runtime for every model (the NER encoder, the dependency parser): finding and
//! loading the library ([`runtime`]), choosing a directory's weights ([`weights`]) and
//! a pool of sessions on them ([`pool`]).

pub mod pool;
pub mod runtime;
pub mod weights;

pub use pool::SessionPool;
pub use runtime::{RuntimeError, SessionError};
pub use weights::{choose_weights, WeightsError, ONNX_FILES};
