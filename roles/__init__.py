"""Who may act where: regions, the role catalogue, role assignments, jurisdiction queries."""
