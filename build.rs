//! Records where the zlib that flate2 (through libz-sys) uses comes from, for
//! `_native.ZLIB_LINKAGE` and `python -m flask_fastsession check`.
//!
//! libz-sys (`links = "z"`) reports a `root` only when it compiled zlib from
//! its own sources into a static library (`LIBZ_SYS_STATIC=1`, its `static`
//! feature, or no system zlib found); cargo passes that to this script as
//! `DEP_Z_ROOT`. Otherwise it linked an installed library: the system's
//! `libz` (dynamically) on Unix, or vcpkg's on Windows.

use std::env;

fn main() {
    pyo3_build_config::use_pyo3_cfgs();
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LIBZ_SYS_STATIC");
    let bundled = env::var_os("DEP_Z_ROOT").is_some();
    let windows = env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "windows");
    let linkage = match (bundled, windows) {
        (true, _) => "bundled",
        (false, true) => "vcpkg",
        (false, false) => "system",
    };
    println!("cargo:rustc-env=FASTSESSION_ZLIB_LINKAGE={linkage}");
}
