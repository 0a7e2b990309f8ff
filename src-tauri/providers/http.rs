//! PLACEHOLDER: the shared HTTP client is being written.

/// Temporary scaffolding: a provider whose every call says it is not built yet.
#[macro_export]
macro_rules! placeholder_provider {
    ($name:ident) => {
        pub struct $name;

        #[async_trait::async_trait]
        impl $crate::providers::InvitationProvider for $name {
            fn kind(&self) -> $crate::model::ProviderKind {
                $crate::model::ProviderKind::Demo
            }
            fn capabilities(&self) -> $crate::model::Capabilities {
                $crate::model::Capabilities { ignore: false, max_note_chars: 300, lists_accounts: false }
            }
            async fn list_accounts(&self) -> Result<Vec<$crate::model::RemoteAccount>, $crate::providers::ProviderError> {
                Err($crate::providers::ProviderError::not_supported("not built yet"))
            }
            async fn list_sent(&self, _p: $crate::providers::PageProgress<'_>) -> Result<Vec<$crate::model::SentInvitation>, $crate::providers::ProviderError> {
                Err($crate::providers::ProviderError::not_supported("not built yet"))
            }
            async fn withdraw(&self, _i: &$crate::model::SentInvitation) -> Result<$crate::model::WriteOutcome, $crate::providers::ProviderError> {
                Err($crate::providers::ProviderError::not_supported("not built yet"))
            }
            async fn list_received(&self, _p: $crate::providers::PageProgress<'_>) -> Result<Vec<$crate::model::ReceivedInvitation>, $crate::providers::ProviderError> {
                Err($crate::providers::ProviderError::not_supported("not built yet"))
            }
            async fn respond(&self, _i: &$crate::model::ReceivedInvitation, _r: $crate::model::Response) -> Result<$crate::model::WriteOutcome, $crate::providers::ProviderError> {
                Err($crate::providers::ProviderError::not_supported("not built yet"))
            }
            async fn send_invitation(&self, _r: &$crate::model::NewInvitation) -> Result<$crate::model::WriteOutcome, $crate::providers::ProviderError> {
                Err($crate::providers::ProviderError::not_supported("not built yet"))
            }
            async fn limits(&self) -> Result<Vec<$crate::model::Limit>, $crate::providers::ProviderError> {
                Err($crate::providers::ProviderError::not_supported("not built yet"))
            }
        }
    };
}
