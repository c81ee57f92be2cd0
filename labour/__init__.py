"""Labour-market series (Eurostat) for the business-cycle view."""
