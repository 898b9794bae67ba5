//! Provider-neutral payment links over Saferpay offers and secuconnect Smart Transactions.
