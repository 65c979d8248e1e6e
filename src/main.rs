fn main() {
    println!("lttng-tui: under construction");
}
