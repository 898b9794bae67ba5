//! OAuth unit tests.
