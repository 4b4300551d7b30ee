"""IAM enforcement for the local AWS (LocalStack extension owned by lambda-blueprints)."""
