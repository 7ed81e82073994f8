"""The procure-match command line: typer commands only (parse, call the library, print)."""
