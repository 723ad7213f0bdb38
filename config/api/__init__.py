"""What every API endpoint shares: authentication, scopes, errors, pagination, the base viewset."""
