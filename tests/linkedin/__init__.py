"""LinkedIn's ATS partner integration: tokens, provisioning, integrations, the configuration plugin and its
widget, and LinkedIn's own client pointed at hireport."""
