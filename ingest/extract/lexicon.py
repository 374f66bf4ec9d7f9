"""Word lists the rule-based extractor relies on: gazetteers, cue words and stop lists.

Invariants: every entry is lower case unless it is matched case-sensitively (gazetteer names are
written as they appear in text, and are matched on exact spelling so "turkey" or "china" in lower
case never become places). Lists are data only: no logic lives here.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """Entries separated by '|'; whitespace around entries (line breaks) is ignored."""
    return frozenset(w.strip() for w in text.split("|") if w.strip())


COUNTRIES = words(
    """Afghanistan|Albania|Algeria|America|Andorra|Angola|Argentina|Armenia|Australia|Austria|
    Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|
    Bolivia|Bosnia|Botswana|Brazil|Britain|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|
    Cameroon|Canada|Cape Verde|Chile|China|Colombia|Congo|Costa Rica|Croatia|Cuba|Cyprus|
    Czech Republic|Czechia|Denmark|Djibouti|Dominican Republic|Ecuador|Egypt|El Salvador|
    England|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Germany|Ghana|
    Great Britain|Greece|Greenland|Grenada|Guatemala|Guinea|Guyana|Haiti|Holland|Honduras|
    Hong Kong|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|
    Jamaica|Japan|Kazakhstan|Kenya|Korea|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|
    Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|
    Maldives|Mali|Malta|Mauritania|Mauritius|Mexico|Moldova|Monaco|Mongolia|Montenegro|
    Morocco|Mozambique|Myanmar|Namibia|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|
    North Korea|North Macedonia|Northern Ireland|Norway|Oman|Pakistan|Palestine|Panama|
    Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Puerto Rico|Qatar|Romania|
    Russia|Rwanda|Saudi Arabia|Scotland|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|
    Slovakia|Slovenia|Somalia|South Africa|South Korea|South Sudan|Spain|Sri Lanka|Sudan|
    Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Tibet|Togo|Tonga|
    Trinidad|Tunisia|Turkey|Turkmenistan|U.S.|UAE|Uganda|UK|Ukraine|United Arab Emirates|
    United Kingdom|United States|Uruguay|US|USA|Uzbekistan|Vatican|Venezuela|Vietnam|Wales|
    Yemen|Zambia|Zimbabwe"""
)


US_STATES = words(
    """Alabama|Alaska|Alberta|Andalusia|Arizona|Arkansas|Bali|Bavaria|Bay Area|British Columbia|
    California|Cancun|Catalonia|Colorado|Connecticut|Cornwall|Crete|Delaware|Florida|
    Grand Canyon|Hawaii|Hokkaido|Ibiza|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Kyoto|
    Lake Tahoe|Louisiana|Maine|Majorca|Mallorca|Maryland|Massachusetts|Maui|Michigan|Midwest|
    Minnesota|Mississippi|Missouri|Montana|Napa|Napa Valley|Nebraska|Nevada|New England|
    New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Okinawa|
    Oklahoma|Ontario|Oregon|Patagonia|Pennsylvania|Provence|Quebec|Rhode Island|Santorini|
    Siberia|Sicily|Silicon Valley|South Carolina|South Dakota|Tahoe|Tenerife|Tennessee|Texas|
    Tulum|Tuscany|Utah|Vermont|West Virginia|Wisconsin|Wyoming|Yellowstone|Yosemite"""
)


CITIES = words(
    """Abu Dhabi|Accra|Addis Ababa|Albuquerque|Amsterdam|Anchorage|Athens|Atlanta|Auckland|
    Baghdad|Baltimore|Bangalore|Bangkok|Barcelona|Beijing|Beirut|Belfast|Belgrade|Berlin|
    Birmingham|Bogota|Bordeaux|Boston|Brisbane|Bristol|Brooklyn|Brussels|Bucharest|Budapest|
    Buenos Aires|Busan|Cairo|Calgary|Cambridge|Cape Town|Caracas|Cardiff|Casablanca|Chennai|
    Chicago|Cincinnati|Cleveland|Cologne|Columbus|Copenhagen|Dallas|DC|Delhi|Denver|Detroit|
    Dhaka|Doha|Dubai|Dublin|Dubrovnik|Edinburgh|Frankfurt|Geneva|Glasgow|Guadalajara|Hamburg|
    Hanoi|Havana|Helsinki|Ho Chi Minh City|Hong Kong|Honolulu|Houston|Indianapolis|Istanbul|
    Jakarta|Jerusalem|Johannesburg|Kansas City|Karachi|Kathmandu|Kiev|Kolkata|Krakow|
    Kuala Lumpur|Kyiv|LA|Lagos|Lahore|Las Vegas|Lima|Lisbon|Liverpool|London|Los Angeles|
    Louisville|Lyon|Madrid|Manchester|Manhattan|Manila|Marrakech|Marseille|Melbourne|Memphis|
    Mexico City|Miami|Milan|Milwaukee|Minneapolis|Montreal|Moscow|Mumbai|Munich|Nairobi|
    Naples|Nashville|New Delhi|New Orleans|New York City|NYC|Oakland|Osaka|Oslo|Ottawa|
    Oxford|Paris|Perth|Philadelphia|Pittsburgh|Portland|Porto|Prague|Queens|Quito|Raleigh|
    Reykjavik|Richmond|Rio|Rio de Janeiro|Riyadh|Rome|Rotterdam|Sacramento|Salt Lake City|
    San Diego|San Francisco|San Jose|Santiago|Sao Paulo|Seattle|Seoul|Seville|Shanghai|
    Shenzhen|Sofia|St. Louis|Stockholm|Sydney|São Paulo|Taipei|Tampa|Tehran|Tel Aviv|Tokyo|
    Toronto|Tucson|Turin|Valencia|Vancouver|Venice|Vienna|Warsaw|Washington D.C.|
    Washington DC|Wellington|Zagreb|Zurich"""
)


REGIONS = words(
    """Africa|Antarctica|Asia|Australia|Caribbean|East Asia|Europe|Latin America|Middle East|
    North America|Oceania|Scandinavia|South America|Southeast Asia"""
)


# Place names that are also common first names: places only with a place cue ("in", "to").
AMBIGUOUS_PLACES = words(
    """Aurora|Austin|Bath|Carolina|Chad|Charlotte|Chelsea|Dakota|Eugene|Florence|Georgia|
    Israel|Jackson|Jordan|Kent|Lincoln|Logan|Madison|Mobile|Nice|Orlando|Phoenix|Reading|
    Regina|Santiago|Savannah|Sofia|Split|Sydney|Troy|Tyler|Victoria|Virginia|Washington"""
)


PLACES = (COUNTRIES | US_STATES | CITIES | REGIONS) - AMBIGUOUS_PLACES


ORG_SUFFIXES = words(
    """academy|agency|association|band|bank|center|centre|choir|church|clinic|club|co.|college|
    company|corp|corp.|corporation|council|federation|foundation|gmbh|group|hospital|inc|
    inc.|institute|labs|league|library|llc|llp|ltd|ltd.|ministries|museum|network|orchestra|
    partners|plc|publishing|records|school|society|studio|studios|systems|technologies|
    theater|theatre|union|university|zoo"""
)


# Org names common enough to list (matched case-sensitively).
KNOWN_ORGS = words(
    """Adidas|Adobe|Airbnb|Amazon|Apple|Berkeley|Boeing|Costco|Deloitte|Disney|eBay|Etsy|
    Facebook|Ford|Goldman Sachs|Google|Harvard|IBM|IKEA|Instagram|Intel|JPMorgan|LinkedIn|
    Lyft|McDonald's|McKinsey|Meta|Microsoft|MIT|NASA|Netflix|NHS|Nike|Nintendo|Nvidia|NYU|
    OpenAI|Oracle|Oxford University|PayPal|Peloton|Pfizer|Pixar|Princeton|Red Cross|
    Salesforce|Salvation Army|Samsung|Shopify|Sony|SpaceX|Spotify|Stanford|Starbucks|Target|
    Tesla|TikTok|Toyota|Trader Joe's|Twitter|Uber|UCLA|UNICEF|Walmart|Whole Foods|Yale|
    YouTube"""
)


# Capitalised words that are not names when they appear mid-sentence.
STOP_CAPITALS = words(
    """a|about|absolutely|african|after|afternoon|all|also|amazing|american|an|and|any|anyway|
    anyways|april|are|as|asian|at|august|awesome|aww|awww|be|been|before|both|british|btw|
    buddhist|but|by|bye|can|canadian|catholic|check|cheers|chinese|christian|christmas|
    congrats|congratulations|cool|could|covid|dad|daddy|dear|december|definitely|did|diwali|
    do|does|dr|dr.|easter|eid|english|european|eve|evening|every|february|for|french|friday|
    from|fyi|german|god|gonna|good|grandma|grandpa|great|guess|had|haha|halloween|hanukkah|
    happy|has|have|he|hello|her|here|hey|hi|him|hindu|his|hmm|hmmm|honestly|how|i|i'd|i'll|
    i'm|i've|if|in|indian|internet|is|it|italian|its|january|japanese|jewish|july|june|just|
    korean|last|latin|latina|latino|let|let's|lets|lol|look|lord|love|madam|mama|march|may|
    maybe|me|merry|mexican|might|mom|mommy|monday|month|morning|mr|mr.|mrs|mrs.|ms|ms.|mum|
    muslim|must|my|nana|new|next|nice|night|no|not|november|october|of|oh|ohh|ok|okay|omg|on|
    one|or|our|papa|please|pride|protestant|ps|ramadan|really|saturday|see|september|she|
    should|since|sir|so|some|sorry|spanish|sunday|sure|thank|thanks|thanksgiving|that|the|
    their|them|there|these|they|this|those|three|thursday|to|today|tomorrow|tonight|totally|
    tuesday|tv|two|ugh|until|us|valentine|valentine's|wait|wanna|was|we|wednesday|week|
    weekend|well|were|what|when|where|which|who|why|will|with|would|wow|xoxo|yay|yeah|year|
    years|yep|yes|yesterday|you|your"""
)


# Relationship nouns for "my sister Anna"; pets are relationships too (their names are things).
FAMILY_RELATIONS = words(
    """aunt|baby|best friend|bestie|bff|boss|boyfriend|brother|child|co-worker|colleague|cousin|
    coworker|dad|daughter|ex|father|fiance|fiancee|fiancé|fiancée|flatmate|friend|girlfriend|
    grandfather|grandma|grandmother|grandpa|husband|kid|mentor|mom|mother|mum|neighbor|
    neighbour|nephew|niece|partner|roommate|sibling|sister|son|spouse|stepdad|stepdaughter|
    stepmom|stepson|teacher|therapist|twin|uncle|wife"""
)


PET_RELATIONS = words(
    """bird|bunny|cat|dog|guinea pig|hamster|horse|kitten|parrot|pet|pup|puppy|rabbit|snake|
    turtle"""
)


RELATIONS = FAMILY_RELATIONS | PET_RELATIONS


# "my <noun>" implies having one (HAS, lower confidence).
IMPLIED_POSSESSIONS = PET_RELATIONS | words(
    """apartment|bike|boyfriend|car|cats|children|daughter|dogs|fiance|fiancee|fiancé|fiancée|
    girlfriend|house|husband|kids|partner|pets|son|wife"""
)


# Words that, preceding a capitalised word, mark it as a person.
PERSON_CUES_BEFORE = words(
    """ask|asked|aunt|auntie|babe|bestie|boss|boyfriend|bro|brother|buddy|by|called|colleague|
    congrats|congratulations|cousin|coworker|dad|dating|daughter|dear|dr|dr.|fiance|fiancee|
    fiancé|fiancée|friend|friends|girlfriend|grandma|grandpa|hello|hey|hi|hugged|husband|
    invited|kid|married|meet|meeting|met|miss|missed|mom|mr|mr.|mrs|mrs.|ms|ms.|named|
    neighbor|neighbour|nephew|niece|partner|roommate|saw|seeing|sis|sister|son|tell|text|
    texted|thank|thanks|told|uncle|wife|with|xoxo"""
)


PERSON_CUES_AFTER = words(
    """'s|asked|asks|called|gave|helped|introduced|invited|loves|recommended|replied|said|says|
    sent|suggested|tells|texted|thinks|told|wants|who"""
)


# Verbs that make "to/from <Name>" a person ("talked to Anna", "a gift from Anna").
TO_PERSON_CUES = words(
    """answered|apologised|apologized|call|card|close|email|engaged|explained|gave|gift|give|
    introduced|lent|letter|listen|listened|married|message|note|present|reached|replied|said|
    say|send|sent|showed|sold|speak|speaking|spoke|talk|talked|talking|text|thanks|wave|
    waved|write|wrote"""
)


PLACE_CUES_BEFORE = words("""across|around|downtown|in|inside|near|outside|throughout""")


# Verbs after which "to/from <Place>" is a place, not a person.
MOTION_VERBS = words(
    """'m|am|arrived|arriving|back|biked|bus|came|come|comes|coming|commute|cruise|cycled|drive|
    driving|drove|emigrated|flew|flight|flights|fly|flying|go|goes|going|gone|headed|heading|
    hike|hiked|holiday|i'm|immigrated|journey|move|moved|moving|originally|relocated|
    relocating|return|returned|returning|ride|road|sailed|ticket|tickets|tour|train|travel|
    traveled|traveling|travelled|travelling|trip|trips|vacation|visit|visited|visiting|
    walked|way|went"""
)


PLACE_HEADS = words(
    """avenue|bay|beach|canyon|city|coast|county|desert|falls|forest|harbor|harbour|hills|
    island|islands|lake|mount|mountain|mountains|mt|mt.|national|park|peak|river|road|
    springs|square|street|town|valley|village"""
)


OCCUPATIONS = words(
    """accountant|actor|actress|analyst|architect|artist|attorney|author|babysitter|baker|
    banker|barista|bartender|caregiver|carpenter|cashier|ceo|chef|clerk|coach|comedian|
    consultant|cook|cop|counsellor|counselor|dancer|data scientist|dentist|designer|
    developer|director|doctor|driver|editor|electrician|engineer|entrepreneur|farmer|
    filmmaker|firefighter|founder|freelancer|graphic designer|hairdresser|influencer|intern|
    journalist|lawyer|lecturer|librarian|manager|mechanic|musician|nanny|nurse|painter|
    paramedic|personal trainer|pharmacist|photographer|physician|pilot|plumber|
    police officer|producer|professor|programmer|psychologist|realtor|receptionist|
    researcher|salesperson|scientist|secretary|singer|social worker|software engineer|
    soldier|streamer|student|stylist|surgeon|tailor|teacher|therapist|trainer|translator|
    tutor|vet|veteran|veterinarian|volunteer|waiter|waitress|writer|youtuber"""
)


# "I'm X" without an article counts as identity only for these words.
IDENTITY_WORDS = words(
    """agnostic|allergic|american|asexual|atheist|australian|autistic|bi|bisexual|blind|
    brazilian|british|buddhist|canadian|catholic|chinese|christian|colorblind|deaf|diabetic|
    divorced|dutch|engaged|extroverted|french|gay|german|gluten-free|hindu|indian|
    introverted|irish|italian|japanese|jewish|korean|lactose intolerant|left-handed|lesbian|
    married|mexican|muslim|non-binary|nonbinary|pescatarian|polish|pregnant|queer|religious|
    retired|right-handed|russian|scottish|self-employed|single|sober|spanish|straight|
    swedish|trans|transgender|ukrainian|unemployed|vegan|vegetarian|widowed"""
)


# Objects that end an object (or make it not worth a fact).
PRONOUN_OBJECTS = words(
    """a|all|an|anybody|anyone|anything|being|both|doing|each|everybody|everyone|everything|her|
    here|him|how|it|lots|me|myself|nothing|one|so|somebody|someone|something|such|that|the|
    them|there|these|this|those|to|too|us|very|what|whatever|when|where|which|who|whoever|
    why|you|yourself|yourselves"""
)


# First words after "have a ..." that are not possessions ("I have a great time").
NOT_POSSESSIONS = words(
    """amazing|appointment|awful|bad|bit|bite|blast|break|busy|call|chance|chat|choice|class|
    clue|conversation|crazy|date|day|days|different|difficult|dream|drink|exam|fantastic|
    favor|favour|feel|feeling|few|fun|gift|glimpse|go|good|great|guess|hard|heart|hours|
    hunch|idea|interview|knack|lesson|listen|little|long|look|lot|lovely|meeting|minute|
    minutes|moment|month|months|nap|nice|night|nights|party|passion|peek|plan|plans|point|
    problem|problems|question|questions|quick|read|reason|rest|right|rough|run|say|seat|sec|
    second|sense|short|shower|similar|soft|spot|swim|talent|talk|taste|tendency|terrible|
    test|theory|thing|things|time|tough|trouble|try|visit|voice|walk|way|week|weekend|weeks|
    wonderful|word|year|years"""
)


# Verbs after "I will"/"I'm going to" that are conversation, not plans.
NOT_PLANS = words(
    """add|admit|also|always|ask|be|bear|believe|best|bet|bring|call|catch|certainly|check|
    cherish|consider|cry|definitely|die|do|ever|figure|forget|give|guess|help|hold|hope|just|
    keep|leave|let|let's|lie|like|look|love|mention|miss|my|need|never|not|pass|
    probably|put|reach|remember|say|see|send|share|show|sleep|stick|stop|surely|talk|
    tell|text|think|try|update|wait|your"""
)


# Common irregular past forms (regular ones end in -ed).
IRREGULAR_PAST = words(
    """ate|became|been|began|begun|bought|broke|brought|built|came|caught|chose|did|done|drank|
    drew|drove|dug|fed|fell|felt|flew|forgave|forgot|fought|found|froze|gave|given|gone|got|
    grew|had|heard|held|hid|hit|hung|hurt|kept|knew|laid|led|left|lent|let|lit|lost|made|met|
    paid|put|quit|ran|rang|read|rode|rose|said|sang|sank|sat|saw|seen|sent|set|shook|shot|
    shut|slept|slid|sold|spent|split|spoke|spun|stole|stood|struck|stuck|swam|swept|swore|
    taken|taught|thought|threw|told|took|tore|understood|went|woke|won|wore|wound|written|
    wrote"""
)


# Past forms that describe states or speech: events only when a time expression is present.
STATIVE_PAST = words(
    """agreed|appreciated|assumed|been|believed|decided|enjoyed|expected|felt|figured|forgot|
    guessed|had|hated|heard|hoped|imagined|knew|liked|loved|meant|mentioned|missed|needed|
    noticed|realised|realized|remembered|said|seemed|supposed|thought|told|understood|used|
    wanted|was|were|wished|wondered|got|did|done"""
)


NOT_VERBS_ED = words(
    """bed|beloved|bled|bred|exceed|fed|feed|fled|hundred|indeed|kindred|led|naked|ned|need|
    proceed|red|sacred|seed|shed|sled|speed|succeed|ted|wed|weed|wicked"""
)
