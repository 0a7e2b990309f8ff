//! The app's top-level X window as a window manager sees it: closing it the way a title bar's
//! close button does (a `WM_DELETE_WINDOW` message, so the app hears "close requested"), and
//! whether it is on screen. WebDriver cannot do either: its "close window" ends the page.

use std::ffi::{CStr, CString};
use std::os::raw::{c_int, c_ulong};
use std::ptr;

use x11_dl::xlib::{self, Xlib};

use crate::harness::{Desktop, TestResult};

/// An open connection to the desktop's X display.
pub struct Display {
    xlib: Xlib,
    dpy: *mut xlib::Display,
}

impl Display {
    pub fn of(desktop: &Desktop) -> TestResult<Display> {
        let session = std::fs::read_to_string(desktop.dir("session.env"))?;
        let name = session
            .lines()
            .find_map(|l| l.strip_prefix("DISPLAY="))
            .ok_or("no DISPLAY in the session")?;
        // Xlib reads the cookie's file from the environment only; nothing else in the test
        // process talks to X.
        if let Some(auth) = session.lines().find_map(|l| l.strip_prefix("XAUTHORITY=")) {
            std::env::set_var("XAUTHORITY", auth);
        }
        let xlib = Xlib::open()?;
        let name = CString::new(name)?;
        // SAFETY: a valid C string; a null result is checked.
        let dpy = unsafe { (xlib.XOpenDisplay)(name.as_ptr()) };
        if dpy.is_null() {
            return Err(format!("cannot open X display {name:?}").into());
        }
        Ok(Display { xlib, dpy })
    }

    /// Every window titled `title`, anywhere in the tree.
    fn windows_titled(&self, title: &str) -> Vec<c_ulong> {
        let mut found = Vec::new();
        // SAFETY: the display is open; Xlib owns nothing we keep.
        let root = unsafe { (self.xlib.XDefaultRootWindow)(self.dpy) };
        let mut stack = vec![root];
        while let Some(w) = stack.pop() {
            unsafe {
                let mut name: *mut i8 = ptr::null_mut();
                if (self.xlib.XFetchName)(self.dpy, w, &mut name) != 0 && !name.is_null() {
                    if CStr::from_ptr(name).to_string_lossy() == title {
                        found.push(w);
                    }
                    (self.xlib.XFree)(name.cast());
                }
                let (mut root_ret, mut parent) = (0, 0);
                let mut children: *mut c_ulong = ptr::null_mut();
                let mut n: u32 = 0;
                if (self.xlib.XQueryTree)(
                    self.dpy,
                    w,
                    &mut root_ret,
                    &mut parent,
                    &mut children,
                    &mut n,
                ) != 0
                    && !children.is_null()
                {
                    stack.extend_from_slice(std::slice::from_raw_parts(children, n as usize));
                    (self.xlib.XFree)(children.cast());
                }
            }
        }
        found
    }

    /// Asks every window titled `title` to close, as a window manager's close button does.
    pub fn request_close(&self, title: &str) -> TestResult {
        let windows = self.windows_titled(title);
        if windows.is_empty() {
            return Err(format!("no X window titled {title:?}").into());
        }
        unsafe {
            let protocols = CString::new("WM_PROTOCOLS")?;
            let delete = CString::new("WM_DELETE_WINDOW")?;
            let protocols = (self.xlib.XInternAtom)(self.dpy, protocols.as_ptr(), 0);
            let delete = (self.xlib.XInternAtom)(self.dpy, delete.as_ptr(), 0);
            for w in windows {
                let mut event: xlib::XEvent = std::mem::zeroed();
                event.client_message.type_ = xlib::ClientMessage;
                event.client_message.window = w;
                event.client_message.message_type = protocols;
                event.client_message.format = 32;
                event.client_message.data.set_long(0, delete as i64);
                event
                    .client_message
                    .data
                    .set_long(1, xlib::CurrentTime as i64);
                (self.xlib.XSendEvent)(self.dpy, w, 0, xlib::NoEventMask, &mut event);
            }
            (self.xlib.XFlush)(self.dpy);
        }
        Ok(())
    }

    /// Whether a window titled `title` is mapped and viewable.
    pub fn is_shown(&self, title: &str) -> bool {
        self.windows_titled(title).into_iter().any(|w| unsafe {
            let mut attrs: xlib::XWindowAttributes = std::mem::zeroed();
            (self.xlib.XGetWindowAttributes)(self.dpy, w, &mut attrs) != 0
                && attrs.map_state == xlib::IsViewable as c_int
        })
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        // SAFETY: opened in `of`, closed once.
        unsafe { (self.xlib.XCloseDisplay)(self.dpy) };
    }
}
