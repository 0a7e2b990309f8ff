//! How the page is drawn on Linux, where the webview is WebKitGTK.
//!
//! By default WebKitGTK composites the page's layers with OpenGL, in a compositor thread of the
//! web process, and hands the frames to the window as DMA-BUF buffers. On a machine without a
//! GPU (a virtual machine, a remote desktop, a headless session) Mesa then emulates OpenGL on the
//! CPU (llvmpipe): the web process runs the compositor and two llvmpipe threads to do, through an
//! emulated GPU, what WebKit's own painting does directly. Measured with the hello world of
//! `make bench-startup` under Xvfb: its web process holds 152 MiB composited and 83 MiB not,
//! the DMA-BUF probe costs its app process 4 MiB more, and compositing's start-up 60–135 ms
//! (README, "How the page is drawn without a GPU").
//! On such machines WebKitGTK is also known to leave the window blank (toolchain notes, §9.5 d).
//!
//! So where the machine has no GPU, InviteDesk asks WebKit to paint without compositing and
//! without the DMA-BUF renderer. With a GPU nothing changes. A user who set either of WebKit's
//! own variables has chosen, and the app leaves both alone (`WEBKIT_DISABLE_COMPOSITING_MODE=0`
//! brings compositing back on a machine without a GPU).

use std::path::Path;

/// WebKitGTK's switch for compositing (any value but `0` turns it off).
pub const COMPOSITING_VARIABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
/// WebKitGTK's switch for handing frames over as DMA-BUF buffers.
pub const DMABUF_VARIABLE: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// What `configure` decided, for the start-up log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// A GPU is there: WebKit's default (compositing with OpenGL).
    WebKitDefault,
    /// No GPU: painted by WebKit on the CPU, without an emulated one.
    WithoutCompositing,
    /// The user set one of WebKit's variables; left as they are.
    AsTheUserSet,
}

/// Chooses how the page is drawn. Call before any thread starts (it sets environment
/// variables, which WebKit reads when the webview starts and passes to its web process).
pub fn configure() -> Rendering {
    if !cfg!(target_os = "linux") {
        return Rendering::WebKitDefault;
    }
    if std::env::var_os(COMPOSITING_VARIABLE).is_some()
        || std::env::var_os(DMABUF_VARIABLE).is_some()
    {
        return Rendering::AsTheUserSet;
    }
    if has_gpu() {
        return Rendering::WebKitDefault;
    }
    std::env::set_var(COMPOSITING_VARIABLE, "1");
    std::env::set_var(DMABUF_VARIABLE, "1");
    Rendering::WithoutCompositing
}

/// Whether OpenGL here would run on a GPU rather than be emulated on the CPU.
pub fn has_gpu() -> bool {
    let forced_software =
        std::env::var("LIBGL_ALWAYS_SOFTWARE").is_ok_and(|v| !v.is_empty() && v != "0");
    !forced_software && has_gpu_device(Path::new("/dev"))
}

/// Mesa's hardware drivers open a DRM render node (`/dev/dri/renderD*`); NVIDIA's own driver
/// works through `/dev/nvidiactl` even without one. With neither, Mesa can only emulate.
fn has_gpu_device(dev: &Path) -> bool {
    let render_node = std::fs::read_dir(dev.join("dri")).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    render_node || dev.join("nvidiactl").exists()
}

#[cfg(test)]
mod tests {
    use super::has_gpu_device;

    #[test]
    fn a_render_node_or_nvidias_device_means_a_gpu() {
        let dev = tempfile::tempdir().unwrap();
        assert!(!has_gpu_device(dev.path()), "an empty /dev has no GPU");

        std::fs::create_dir(dev.path().join("dri")).unwrap();
        std::fs::write(dev.path().join("dri/card0"), "").unwrap();
        assert!(
            !has_gpu_device(dev.path()),
            "a display-only card (no render node) cannot run OpenGL"
        );

        std::fs::write(dev.path().join("dri/renderD128"), "").unwrap();
        assert!(has_gpu_device(dev.path()));

        let nvidia = tempfile::tempdir().unwrap();
        std::fs::write(nvidia.path().join("nvidiactl"), "").unwrap();
        assert!(has_gpu_device(nvidia.path()));
    }
}
