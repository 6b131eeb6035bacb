//! rust-bert's weight conversion step: a numpy `.npz` of named tensors in, a libtorch
//! `rust_model.ot` out (what tch's own `convert-tensor` binary does, which rust-bert's
//! utils/convert_model.py runs). training/convert_rust_bert.py calls it:
//!
//!     cargo run --release --features rust-bert --example convert_tensor -- model.npz rust_model.ot

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, npz, ot] = &args[..] else {
        return Err("usage: convert_tensor MODEL.npz RUST_MODEL.ot".into());
    };
    let tensors = tch::Tensor::read_npz(npz)?;
    tch::Tensor::save_multi(&tensors, ot)?;
    println!("{} tensors from {npz} written to {ot}", tensors.len());
    Ok(())
}
