// routes - WAGI dynamic routes: exports `_routes`, which prints one `<path> <export>` line per route
// (a trailing `/...` marks a prefix). mik calls it once per module version and then runs, for each
// request, the export of the longest matching route instead of `_start`:
//   /run/routes                  -> _start      (the module's own path)
//   /run/routes/exact            -> on_exact    (exact: /exact/x matches nothing and is a 404)
//   /run/routes/wildcard[/...]   -> on_wildcard (prefix: the path itself and everything below it)
//   /run/routes/wildcard/deeper[/...] -> on_deeper (longer prefix wins over /wildcard/...)
//   /run/routes/main             -> _start      (a route may name the main entry point too)
// Every export answers 200 text/plain: its name on the first line, then each variable as NAME=value,
// sorted, and then each argument as ARG=value.

fn answer(export: &str) {
    let mut out = format!("Content-Type: text/plain; charset=utf-8\n\n{}\n", export);
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    for (name, value) in vars {
        out.push_str(&format!("{}={}\n", name, value));
    }
    for arg in std::env::args() {
        out.push_str(&format!("ARG={}\n", arg));
    }
    print!("{}", out);
}

fn main() {
    answer("_start");
}

#[no_mangle]
pub extern "C" fn on_exact() {
    answer("on_exact");
}

#[no_mangle]
pub extern "C" fn on_wildcard() {
    answer("on_wildcard");
}

#[no_mangle]
pub extern "C" fn on_deeper() {
    answer("on_deeper");
}

#[no_mangle]
pub extern "C" fn _routes() {
    println!("/exact on_exact");
    println!("/wildcard/... on_wildcard");
    println!("/wildcard/deeper/... on_deeper");
    println!("/main _start");
}
