//! Plans one file:
//! `plan_file IN.json OUT.json [--time-limit SECONDS] [--seed N] [--work UNITS]`.
//! Prints one JSON line with status, cost, lower bound and seconds to stderr.
//! `--seed` and `--work` are those of `solve_with` (the work budget is
//! otherwise derived from the time limit).
#![allow(clippy::print_stderr)]

use distans_planner::{check::check, parse_input, solve_with, Search, SolveOptions, Status};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(inp), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!(
            "usage: plan_file IN.json OUT.json [--time-limit SECONDS] [--seed N] [--work UNITS]"
        );
        return ExitCode::from(2);
    };
    let mut opts = SolveOptions::default();
    if let Some(i) = args.iter().position(|a| a == "--time-limit") {
        match args.get(i + 1).and_then(|s| s.parse::<f64>().ok()) {
            Some(s) if s > 0.0 => opts.time_limit = Some(Duration::from_secs_f64(s)),
            _ => {
                eprintln!("--time-limit needs a positive number of seconds");
                return ExitCode::from(2);
            }
        }
    }
    let (Ok(seed), Ok(work)) = (whole(&args, "--seed"), whole(&args, "--work")) else {
        return ExitCode::from(2);
    };
    let search = Search {
        seed: seed.unwrap_or(0),
        work,
    };
    let text = match std::fs::read_to_string(inp) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{inp}: {e}");
            return ExitCode::from(1);
        }
    };
    let t0 = Instant::now();
    let input = match parse_input(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{inp}: {e}");
            return ExitCode::from(1);
        }
    };
    let output = solve_with(&input, &opts, search);
    let secs = t0.elapsed().as_secs_f64();
    let verified = output.status == Status::Infeasible || check(&input, &output).is_ok();
    let json = match serde_json::to_string(&output) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = std::fs::write(out, json) {
        eprintln!("{out}: {e}");
        return ExitCode::from(1);
    }
    let status = match output.status {
        Status::Optimal => "optimal",
        Status::Feasible => "feasible",
        Status::Infeasible => "infeasible",
    };
    eprintln!(
        "{{\"status\":\"{status}\",\"cost\":{},\"lower_bound\":{},\"seconds\":{secs:.4},\"checked\":{verified}}}",
        output.cost,
        output.lower_bound.map_or(String::from("null"), |b| b.to_string())
    );
    if verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    }
}

/// The whole number after `flag`, if the flag is given.
fn whole(args: &[String], flag: &str) -> Result<Option<u64>, ()> {
    let Some(i) = args.iter().position(|a| a == flag) else {
        return Ok(None);
    };
    match args.get(i + 1).and_then(|s| s.parse::<u64>().ok()) {
        Some(v) => Ok(Some(v)),
        None => {
            eprintln!("{flag} needs a whole number");
            Err(())
        }
    }
}
