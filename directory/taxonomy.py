"""The curated lists specialists choose from. Loaded by a data migration."""

SPECIALTIES = [
    "Anxiety",
    "Depression",
    "Trauma",
    "Addictions",
    "Eating disorders",
    "Body image",
    "Relationship issues",
    "Couples",
    "Grief",
    "Stress",
    "Self-esteem",
    "OCD",
    "ADHD",
    "LGBTQ+ issues",
    "Family conflict",
]

APPROACHES = [
    "CBT",
    "EFT",
    "Psychodynamic",
    "Art therapy",
    "Mindfulness-based",
    "DBT",
    "ACT",
    "EMDR",
    "Person-centred",
    "Solution-focused",
    "Narrative therapy",
    "Gottman method",
]

LANGUAGES = [
    "English",
    "French",
    "Spanish",
    "German",
    "Portuguese",
    "Italian",
    "Polish",
    "Ukrainian",
    "Mandarin",
    "Cantonese",
    "Hindi",
    "Punjabi",
    "Arabic",
    "Tagalog",
]
