//! PLACEHOLDER so the crate compiles while the real client is written; replaced wholesale.
use super::{ProviderConfig, ProviderError};

crate::placeholder_provider!(Edges);

impl Edges {
    pub fn new(_config: ProviderConfig) -> Result<Self, ProviderError> {
        Ok(Edges)
    }
}
