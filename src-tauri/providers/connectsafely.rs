//! PLACEHOLDER so the crate compiles while the real client is written; replaced wholesale.
use super::{ProviderConfig, ProviderError};

crate::placeholder_provider!(ConnectSafely);

impl ConnectSafely {
    pub fn new(_config: ProviderConfig) -> Result<Self, ProviderError> {
        Ok(ConnectSafely)
    }
}
