// glibc's allocator spent about half of a large build's CPU in malloc and free across the
// rendering threads; mimalloc does not (docs/performance.md, "Site build").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    dossier::memory::without_transparent_huge_pages();
    dossier::cli::main()
}
