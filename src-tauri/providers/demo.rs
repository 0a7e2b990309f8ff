//! PLACEHOLDER so the crate compiles while the demo provider is written; replaced wholesale.
crate::placeholder_provider!(Demo);

impl Demo {
    pub fn new(_remote_account_id: Option<String>) -> Self {
        Demo
    }
}
