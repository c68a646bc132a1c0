// Runs before any test module: Ink reads CI when first imported (shared docs/style.md 5.10).
process.env['CI'] = 'false';
