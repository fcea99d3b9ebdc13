// A skill with no intent handlers (main() comes from skill::main): what a skill whose
// handlers sit in a STATIC library the linker dropped looks like. Start-up must warn.
