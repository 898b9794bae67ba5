//! secuconnect: Smart Transactions, Payment Transactions, push notifications.
