"""Name lists for fictional residents and staff; every person the demo makes is invented."""

GIVEN_FEMALE = [
    "Margaret", "Susan", "Patricia", "Linda", "Jean", "Christine", "Janet", "Elaine", "Karen", "Julie",
    "Sarah", "Emma", "Rebecca", "Laura", "Hannah", "Chloe", "Amy", "Gemma", "Priya", "Aisha", "Fatima",
    "Amina", "Grace", "Joy", "Mei", "Agnieszka", "Zofia", "Siobhan", "Niamh", "Eileen", "Doreen", "Brenda",
    "Pauline", "Sandra", "Helen", "Rachel", "Nadia", "Yasmin", "Shanice", "Olivia", "Sophie", "Ruth",
]
GIVEN_MALE = [
    "David", "John", "Michael", "Peter", "Robert", "Alan", "Brian", "Keith", "Graham", "Colin", "Derek",
    "Stephen", "Mark", "Paul", "Andrew", "James", "Daniel", "Thomas", "Ryan", "Liam", "Connor", "Mohammed",
    "Imran", "Tariq", "Rajesh", "Sanjay", "Kwame", "Tunde", "Wei", "Piotr", "Tomasz", "Sean", "Patrick",
    "Gareth", "Dennis", "Roy", "Terry", "Barry", "Kevin", "Ahmed", "Marcus", "Jamal",
]
FAMILY = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Patel", "Khan", "Begum", "Hussain", "Ali", "Shah", "Okafor", "Mensah", "Adeyemi", "Chen", "Wong",
    "Kowalski", "Nowak", "Murphy", "O'Brien", "Kelly", "Hughes", "Edwards", "Lewis", "Harris", "Martin",
    "Cooper", "Ward", "Turner", "Hill", "Moore", "Baker", "Marsh", "Fletcher", "Holt", "Pearson", "Booth",
]
STREETS = [
    "Mill Lane", "Church Street", "Station Road", "Victoria Terrace", "Park Avenue", "Chapel Row",
    "Canal Side", "Orchard Close", "Hollins Road", "Millfield Way", "Fen Lane", "Marsh Road", "Oak Drive",
    "The Green", "Brook Street", "Forge Court", "Meadow View", "School Lane", "Albert Street", "Kelby Road",
]
