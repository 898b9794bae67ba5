//! SekurePay: orders.
