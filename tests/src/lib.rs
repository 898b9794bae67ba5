//! Scenario runner shared by the workspace integration tests.
