"""Casework's rules, in the core: the stages of a case declared once
(`stages`), the small engine that applies them (`engine`), the outcome
taxonomy (`outcomes`), what each stage records (`forms`), what a case's
records say (`facts`), safe contact (`safe_contact`), and data access
(`queries`). The admin blueprint only renders what these decide."""
