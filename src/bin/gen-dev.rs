use clap::Parser;
#[derive(Parser)]
struct A {
    #[command(flatten)]
    g: lttng_tui::cli::r#gen::GenArgs,
}
fn main() -> anyhow::Result<()> {
    lttng_tui::cli::r#gen::run(&A::parse().g)
}
