//! Screenshots from the X server's framebuffer rather than WebDriver.
//!
//! WebKitWebDriver 2.50 under Xvfb answers the first "take screenshot" and then never answers
//! another one in the same session (the request hangs). Xvfb can instead keep its screen in a
//! file (`-fbdir`, XWD format), which always holds what is on the screen: we read that, crop it to
//! the app window and encode a PNG.

use std::path::Path;

pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Reads Xvfb's `Xvfb_screen0` (XWD, ZPixmap, 24/32 bits) and writes the `crop` area as PNG.
pub fn save_png(xwd: &Path, crop: Rect, out: &Path) -> Result<(), String> {
    let data = std::fs::read(xwd).map_err(|e| format!("reading {}: {e}", xwd.display()))?;
    let field = |i: usize| -> Result<u32, String> {
        data.get(i * 4..i * 4 + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| "truncated XWD header".to_string())
    };
    let header_size = field(0)? as usize;
    let (width, height) = (field(4)?, field(5)?);
    let byte_order = field(7)?; // 0 = LSBFirst
    let bits_per_pixel = field(11)?;
    let bytes_per_line = field(12)? as usize;
    let ncolors = field(19)? as usize;
    if bits_per_pixel != 32 {
        return Err(format!(
            "unsupported XWD pixel size {bits_per_pixel} (expected 32)"
        ));
    }
    let pixels = header_size + ncolors * 12;

    let x0 = crop.x.min(width);
    let y0 = crop.y.min(height);
    let w = crop.width.min(width - x0);
    let h = crop.height.min(height - y0);
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in y0..y0 + h {
        let row = pixels + y as usize * bytes_per_line;
        for x in x0..x0 + w {
            let p = row + x as usize * 4;
            let px = data.get(p..p + 4).ok_or("truncated XWD pixels")?;
            let (r, g, b) = if byte_order == 0 {
                (px[2], px[1], px[0])
            } else {
                (px[1], px[2], px[3])
            };
            rgb.extend_from_slice(&[r, g, b]);
        }
    }

    let file = std::fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    Ok(())
}
