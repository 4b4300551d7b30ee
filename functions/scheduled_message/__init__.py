"""Scheduled messages (birthday greetings) to recipients kept in DynamoDB, sent through SES."""
