"""Phrase tables of the demo source: posts about Acme Cloud, its competitors, and noise."""

# Phrase tables hold whole sentences; wrapping them would only make them harder to read.
# ruff: noqa: E501

from __future__ import annotations

# How often each language, platform (by language) and kind of post (by platform) comes up.
LANG_WEIGHTS = {"fr": 40, "en": 40, "ru": 20}
PLATFORM_WEIGHTS: dict[str, dict[str, int]] = {
    "fr": {
        "mastodon": 26,
        "reddit": 10,
        "bluesky": 16,
        "hackernews": 1,
        "news": 14,
        "forum": 18,
        "blog": 15,
    },
    "en": {
        "mastodon": 20,
        "reddit": 22,
        "bluesky": 20,
        "hackernews": 13,
        "news": 10,
        "forum": 6,
        "blog": 9,
    },
    "ru": {
        "mastodon": 10,
        "reddit": 8,
        "bluesky": 6,
        "hackernews": 0,
        "news": 18,
        "forum": 33,
        "blog": 25,
    },
}
SOCIAL_KINDS = {
    "praise": 13,
    "sync": 9,
    "price": 5,
    "outage": 3,
    "support": 5,
    "question": 13,
    "comparison": 9,
    "casual": 10,
    "noise": 24,
}
KIND_WEIGHTS: dict[str, dict[str, int]] = {
    "news": {"news": 75, "noise": 25},
    "blog": {
        "praise": 18,
        "sync": 8,
        "price": 8,
        "comparison": 24,
        "question": 6,
        "casual": 12,
        "noise": 24,
    },
}

# Post bodies by language and kind. Brand kinds first, then "noise" (no brand at all,
# with traps for careless queries: acne, ACME the cartoon company, cloud in general).
BODIES: dict[str, dict[str, list[str]]] = {
    "en": {
        "praise": [
            "Honestly {brand} just works. Synced {count} files from my {device} without a hiccup {emoji_pos}",
            "Shoutout to {brand}: restored a folder I deleted {ago} in two clicks. Lifesaver {emoji_pos}",
            "Switched the whole team to {brand} last month and nobody has complained once. That never happens.",
            "The new {feature} in {brand} is really well done. Small thing, big difference.",
            "Three years on {brand} and I still haven't lost a single file. Worth every cent.",
            "ok {brand_poss} {feature} is genuinely great, why didn't anyone tell me",
            "Big thanks to {support} for sorting out my account in ten minutes {emoji_pos}",
            "Love that {brand} keeps version history for {days} days. Saved my thesis today.",
            "Finally a sync app that doesn't eat my battery. {brand} on my {device} is impressively light.",
        ],
        "sync": [
            "{brand} stopped syncing on my {device} {since}. Files just sit there with a spinning icon {emoji_neg}",
            "Is anyone else's {brand} stuck on 'Preparing to sync...'? {since} for me",
            "{brand} created 40 'conflicted copy' files of the same spreadsheet. Please fix this {support}",
            "Sync between my {device} and my {device2} has been broken {since}. Uninstalled, reinstalled, nothing.",
            "Why does {brand} re-upload my entire {files} folder every time I reboot??",
            "{brand_poss} app says 'up to date' but the files are clearly not there. Not great when you rely on it for work.",
            "Lost an afternoon of edits because {brand} silently overwrote my file with an older version {emoji_neg}",
            "{support} sync has been broken on my {device} {since}, ticket #{ticket}, any update?",
        ],
        "price": [
            "{brand} is raising the price from {price_old} to {price_new} a month with two weeks' notice. Seriously? {emoji_neg}",
            "Just got the email: {brand} is doubling the family plan price. Time to look at {competitor}.",
            "Paying {price_new}/month for {brand} and they still cap upload speed. Not worth it anymore.",
            "The {brand} price hike is the last straw. Moving everything to {competitor} this weekend.",
            "Can someone explain what I get for the extra {price_diff} now that {brand} bumped the price?",
        ],
        "outage": [
            "Is {brand} down? Can't log in, the web app just shows a 503 {emoji_neg}",
            "{brand} outage again. Second time this month. #outage",
            "{brand} status page says all green but nothing loads for me in {city}",
            "Anyone else getting 'Server unavailable' from {brand} right now?",
        ],
        "support": [
            "Opened a ticket with {support} {ago}. Still no answer. {brand} support used to be good {emoji_neg}",
            "{support} your chatbot keeps sending me to the same FAQ page. I need a human.",
            "Three emails to {brand} support and each time a different canned reply. Is anyone reading these?",
            "Waited {wait} on the phone with {brand} support today. Ridiculous.",
        ],
        "question": [
            "How do I share a {brand} folder with someone who doesn't have an account?",
            "Quick question: does {brand} do end-to-end encryption on the free plan?",
            "How do I stop {brand} from syncing my {files} folder on my {device}?",
            "Does anyone know how long {brand} keeps deleted files? Asking for a friend (me)",
            "{support} how can I move my account to a new email address?",
            "Is there a way to make {brand} sync only on Wi-Fi on an {device}?",
            "What happens to shared links if I downgrade my {brand} plan?",
            "Can {brand} back up an external drive or only the home folder?",
        ],
        "comparison": [
            "{brand} vs {competitor}: {brand} syncs faster, {competitor} is cheaper. Still can't decide.",
            "Moved from {competitor} to {brand} and sync is night and day. No regrets {emoji_pos}",
            "Honestly {competitor} has caught up with {brand}. Same features, lower price.",
            "Tried {brand}, {nimbus} and {stratus} for a month each. {brand} wins on sync, {stratus} on price.",
            "Team is debating {brand} or {competitor} for 30 people. Any experience with the admin tools?",
            "{competitor} lost my files once, {brand} never did. That's all I need to know.",
            "Left {brand} for {competitor} after the price hike. Sync is slower but my wallet is happier.",
        ],
        "casual": [
            "Moving my whole photo archive to {brand} this weekend, wish me luck",
            "Uploading {count} GB to {brand}. See you in a few hours.",
            "Setting up {brand} on my parents' {device}. Family tech support mode: on.",
            "Note to self: the shared folder is in {brand}, not on the NAS.",
            "Our podcast episodes now live in a shared {brand} folder, much easier for the editors.",
        ],
        "news": [
            "{brand} announced on Tuesday that personal plans will cost {percent}% more from {month}.",
            "The company said the outage lasted about {hours} hours and affected users across Europe.",
            "{brand} is adding end-to-end encryption to shared folders, a feature long offered by {competitor}.",
            "Analysts say {brand} is gaining ground on {competitor} among small businesses.",
            "The new data centre will let {brand} keep European customers' files in the EU.",
            "{competitor} cut its prices last month, putting pressure on {brand}.",
            "A spokesperson for {brand} said a fix had been deployed and apologised to customers.",
        ],
        "noise": [
            "This acne cream actually works, my skin cleared up in two weeks {emoji_pos}",
            "Watching old Road Runner cartoons with the kids. Wile E. Coyote and his ACME Corporation anvils never get old",
            "Cloud computing bills are out of control this quarter. Who left three GPU clusters running?",
            "Beautiful clouds over {city} tonight ☁️",
            "ACME rocket skates: the original bad product review",
            "Is it just me or is every startup pitch now 'the cloud for X'?",
            "Looking for an acne face wash that doesn't dry out the skin, any tips?",
            "Acme Markets had a great sale on strawberries today",
            "Hot take: most companies don't need multi-cloud.",
            "Rain all day in {city}. Not a single break in the clouds.",
            "Our on-prem storage migration is finally done. Goodbye tape backups.",
            "Just finished a 10k run, legs are jelly {emoji_pos}",
        ],
    },
    "fr": {
        "praise": [
            "Franchement {brand} ça marche nickel. {count} fichiers synchronisés depuis mon {device} sans un souci {emoji_pos}",
            "Merci {brand} ! J'ai récupéré un dossier supprimé {ago} en deux clics {emoji_pos}",
            "On a passé toute l'équipe sur {brand} le mois dernier et personne ne s'est plaint. Du jamais vu.",
            "La nouvelle fonction {feature} de {brand} est vraiment bien pensée.",
            "Trois ans chez {brand} et pas un seul fichier perdu. Je recommande.",
            "Bravo au support {support}, problème réglé en dix minutes {emoji_pos}",
            "L'historique des versions de {brand} m'a sauvé mon mémoire aujourd'hui 🙏",
            "Enfin une appli de synchro qui ne vide pas ma batterie. {brand} sur {device}, très léger.",
        ],
        "sync": [
            "Mon {brand} ne synchronise plus {since} {emoji_neg}",
            "Quelqu'un d'autre a {brand} bloqué sur « Préparation de la synchronisation » ? {since} chez moi",
            "{brand} m'a créé 40 copies en conflit du même fichier Excel. {support} c'est une blague ?",
            "La synchro entre mon {device} et mon {device2} est cassée {since}. Désinstallé, réinstallé, rien à faire.",
            "Pourquoi {brand} renvoie tout mon dossier {files} à chaque redémarrage ??",
            "J'ai perdu une après-midi de travail, {brand} a écrasé mon fichier avec une vieille version {emoji_neg}",
            "ca synchronise plus du tout {brand} sur mon {device}, c'est penible",
            "{support} la synchro est cassée sur mon {device} {since}, ticket n°{ticket}, des nouvelles ?",
        ],
        "price": [
            "{brand} passe de {price_old} à {price_new} par mois avec deux semaines de préavis. Sérieusement ? {emoji_neg}",
            "Reçu le mail : {brand} augmente encore ses prix. Je vais regarder du côté de {competitor}.",
            "Cette hausse de prix chez {brand} c'est la goutte d'eau. Je migre vers {competitor} ce week-end.",
            "{price_new} par mois pour {brand} et toujours un débit d'envoi bridé… ça ne vaut plus le coup.",
        ],
        "outage": [
            "{brand} est en panne ? Impossible de me connecter, erreur 503 {emoji_neg}",
            "Encore une panne {brand}. Deuxième fois ce mois-ci #panne",
            "La page de statut de {brand} dit que tout va bien mais rien ne charge à {city}",
            "Quelqu'un d'autre a « Serveur indisponible » sur {brand} là ?",
        ],
        "support": [
            "Ticket ouvert chez {support} {ago}. Toujours aucune réponse {emoji_neg}",
            "Le chatbot de {brand} me renvoie toujours vers la même FAQ. Je veux parler à un humain !",
            "{wait} d'attente au téléphone avec le support {brand}. Ridicule.",
            "Trois mails au support {brand}, trois réponses toutes faites différentes. Quelqu'un les lit ?",
        ],
        "question": [
            "Comment faire pour partager un dossier {brand} avec quelqu'un qui n'a pas de compte ?",
            "Question : est-ce que {brand} chiffre les fichiers de bout en bout sur l'offre gratuite ?",
            "Comment empêcher {brand} de synchroniser le dossier {files} sur mon {device} ?",
            "Vous savez combien de temps {brand} garde les fichiers supprimés ?",
            "{support} comment changer l'adresse mail de mon compte ?",
            "Il y a moyen de limiter {brand} au Wi-Fi sur {device} ?",
            "comment on fait pour récupérer une ancienne version d'un fichier sur {brand} ?",
        ],
        "comparison": [
            "{brand} ou {competitor} ? {brand} synchronise plus vite, {competitor} est moins cher. J'hésite.",
            "Passé de {competitor} à {brand}, la synchro n'a rien à voir. Aucun regret {emoji_pos}",
            "Honnêtement {competitor} a rattrapé {brand} : mêmes fonctions, prix plus bas.",
            "Quitté {brand} pour {competitor} après la hausse de prix. Plus lent, mais mon portefeuille dit merci.",
            "On hésite entre {brand} et {competitor} pour une PME de 30 personnes, des retours ?",
            "Testé {brand}, {nimbus} et {stratus} un mois chacun : {brand} gagne sur la synchro, {stratus} sur le prix.",
        ],
        "casual": [
            "Je transfère toutes mes photos sur {brand} ce week-end, souhaitez-moi bonne chance",
            "Installation de {brand} sur l'ordi de mes parents. Mode support technique familial activé.",
            "Le dossier partagé est sur {brand}, pas sur le NAS. Note pour moi-même.",
            "Envoi de {count} Go vers {brand} en cours. On se revoit dans quelques heures.",
        ],
        "news": [
            "{brand} a annoncé mardi une hausse de {percent} % du prix de ses offres personnelles à partir de {month}.",
            "Selon l'entreprise, la panne a duré environ {hours} heures et touché des utilisateurs dans toute l'Europe.",
            "{brand} ajoute le chiffrement de bout en bout aux dossiers partagés, une fonction déjà proposée par {competitor}.",
            "D'après plusieurs analystes, {brand} gagne du terrain face à {competitor} auprès des PME.",
            "Le nouveau centre de données permettra à {brand} d'héberger en France les fichiers de ses clients.",
            "Un porte-parole de {brand} a indiqué qu'un correctif avait été déployé et a présenté ses excuses.",
        ],
        "noise": [
            "Cette crème anti-acné marche vraiment, peau nette en deux semaines",
            "Revu des vieux Bip Bip et Coyote avec les enfants, les colis ACME c'est culte",
            "Le cloud souverain, on en parle depuis dix ans et toujours rien…",
            "Quel ciel nuageux ce matin à {city}, pas un rayon de soleil",
            "Nos factures de cloud computing ont doublé, il faut vraiment faire le ménage",
            "Un bon nettoyant pour peau à tendance acnéique à conseiller ?",
            "Migration de nos serveurs terminée, on dit adieu aux sauvegardes sur bande",
            "Semi-marathon bouclé ce matin, les jambes en compote {emoji_pos}",
            "Les nuages de pluie arrivent sur {city}, sortez les parapluies",
        ],
    },
    "ru": {
        "praise": [
            "Честно, {brand} просто работает. {count} файлов синхронизировались {on_device} без проблем {emoji_pos}",
            "Спасибо {support}, вопрос решили за десять минут {emoji_pos}",
            "Пользуюсь {brand_ins} уже три года, ни одного потерянного файла.",
            "Восстановил удалённую папку в {brand_prep} за два клика. Очень выручило!",
            "Новая функция «{feature}» в {brand_prep} сделана очень удобно.",
            "Наконец-то синхронизация, которая не сажает батарею. {brand} {on_device} работает очень легко.",
        ],
        "sync": [
            "{brand} перестал синхронизироваться {on_device} {since} {emoji_neg}",
            "У кого-нибудь ещё {brand} висит на «Подготовка к синхронизации»? У меня {since}",
            "{brand} наделал 40 конфликтных копий одного файла. {support}, что происходит?",
            "Синхронизация {brand_gen} сломалась {since}. Переустановил, не помогло.",
            "Почему {brand} при каждой перезагрузке заново закачивает всю папку «{files}»??",
        ],
        "price": [
            "{brand} поднимает цену с {price_old} до {price_new} в месяц. Серьёзно? {emoji_neg}",
            "Пришло письмо: {brand} снова повышает цены. Пора смотреть на {competitor}.",
            "После повышения цен ухожу с {brand_gen} на {competitor}.",
        ],
        "outage": [
            "{brand} лежит? Не могу войти, ошибка 503 {emoji_neg}",
            "Опять сбой в {brand_prep}. Второй раз за месяц #сбой",
            "У {brand_gen} всё зелёное на статус-странице, а у меня ничего не грузится, {city}",
        ],
        "support": [
            "Написал в поддержку {brand_gen} {ago}. До сих пор тишина {emoji_neg}",
            "{support} ваш бот отправляет меня на одну и ту же страницу FAQ. Нужен живой человек.",
            "Ждал ответа поддержки {brand_gen} {wait} на телефоне. Это просто смешно.",
        ],
        "question": [
            "Как расшарить папку в {brand_prep} человеку без аккаунта?",
            "Подскажите, сколько дней {brand} хранит удалённые файлы?",
            "Как сделать, чтобы {brand} синхронизировал только по Wi-Fi?",
            "{support} как сменить почту в аккаунте?",
            "как вернуть старую версию файла в {brand_prep}?",
            "Кто-нибудь пользуется {brand_ins} для бэкапа внешнего диска? Как настроить?",
        ],
        "comparison": [
            "{brand} или {competitor}? {brand} быстрее синхронизирует, {competitor} дешевле. Не могу выбрать.",
            "Перешёл с {competitor} на {brand}, синхронизация как небо и земля {emoji_pos}",
            "Сравнил {brand} и {competitor} за месяц: {competitor} дешевле, но медленнее.",
            "Ушёл с {brand_gen} на {competitor} после повышения цен. Медленнее, зато дешевле.",
        ],
        "casual": [
            "Переношу весь фотоархив в {brand} на выходных",
            "Ставлю {brand} родителям на ноутбук. Режим семейной техподдержки включён.",
            "Заливаю {count} ГБ в {brand}, увидимся через пару часов.",
        ],
        "news": [
            "{brand} сообщила о повышении цен на личные тарифы на {percent}% с {month}.",
            "По данным компании, сбой продолжался около {hours} часов и затронул пользователей по всей Европе.",
            "{brand} добавляет сквозное шифрование для общих папок, как у {competitor}.",
            "Аналитики отмечают, что {brand} теснит {competitor} в сегменте малого бизнеса.",
            "Представитель {brand_gen} сообщил, что исправление уже выпущено, и извинился перед клиентами.",
        ],
        "noise": [
            "Крем от акне реально помог, кожа чистая через две недели",
            "Пересматриваем с детьми «Хитрого койота», посылки от ACME это классика",
            "Облачные вычисления съедают весь бюджет отдела, надо что-то делать",
            "Какие облака сегодня над городом, красота ☁️",
            "Посоветуйте средство от акне, которое не сушит кожу",
            "Закончили миграцию серверов, прощайте ленточные бэкапы",
            "Пробежал 10 км, ноги ватные {emoji_pos}",
            "Опять облачно весь день, {city}, солнца не видели неделю",
        ],
    },
}

# Titles of posts on titled platforms (news, blog, reddit, forum), by kind.
TITLES: dict[str, dict[str, list[str]]] = {
    "en": {
        "praise": [
            "{brand} saved my thesis",
            "Appreciation post for {brand}",
            "{brand} after three years: still great",
        ],
        "sync": [
            "{brand} not syncing on {device}",
            "Conflicted copies everywhere",
            "Sync stuck at 'Preparing'",
        ],
        "price": ["{brand} price increase", "Is {brand} still worth it after the price hike?"],
        "outage": ["Is {brand} down?", "{brand} outage megathread"],
        "support": ["{brand} support not answering", "How long does {brand} support take?"],
        "question": [
            "How to share folders outside {brand}?",
            "Question about {brand} version history",
            "Help: {brand} on {device}",
        ],
        "comparison": [
            "{brand} vs {competitor} in {year}",
            "Switching from {competitor} to {brand}?",
        ],
        "casual": ["Moving my photo archive to {brand}", "My backup setup in {year}"],
        "news": [
            "{brand} raises prices for personal plans from {month}",
            "{brand} suffers {hours}-hour outage affecting users in Europe",
            "{brand} adds end-to-end encryption to shared folders",
            "{competitor} and {brand} battle for small-business customers",
        ],
        "noise": [
            "Best acne cream?",
            "Road Runner marathon with the kids",
            "Our cloud bill doubled",
            "Storage migration done",
        ],
    },
    "fr": {
        "praise": ["{brand} m'a sauvé la mise", "Retour après trois ans chez {brand}"],
        "sync": [
            "{brand} ne synchronise plus sur {device}",
            "Copies en conflit partout",
            "Synchro bloquée sur « Préparation »",
        ],
        "price": ["Hausse de prix {brand}", "{brand} vaut-il encore le coup ?"],
        "outage": ["{brand} en panne ?", "Panne {brand} : le fil de discussion"],
        "support": ["Le support {brand} ne répond pas", "Délai de réponse du support {brand} ?"],
        "question": [
            "Partager un dossier {brand} sans compte ?",
            "Question sur l'historique {brand}",
            "Aide : {brand} sur {device}",
        ],
        "comparison": ["{brand} ou {competitor} en {year} ?", "Passer de {competitor} à {brand} ?"],
        "casual": ["Mes photos migrent vers {brand}", "Ma config de sauvegarde en {year}"],
        "news": [
            "{brand} augmente ses prix à partir de {month}",
            "Panne géante chez {brand} : des milliers d'utilisateurs privés de leurs fichiers",
            "{brand} ouvre un centre de données à {city}",
            "Stockage en ligne : {brand} et {competitor} se disputent les PME",
        ],
        "noise": [
            "Crème anti-acné, vos avis ?",
            "Le cloud souverain, encore",
            "Fin de notre migration",
        ],
    },
    "ru": {
        "praise": ["{brand} спас мой диплом", "Три года с {brand_ins}: отзыв"],
        "sync": ["{brand} не синхронизирует {on_device}", "Конфликтные копии повсюду"],
        "price": ["{brand} повышает цены", "Стоит ли {brand} своих денег после подорожания?"],
        "outage": ["{brand} лежит?", "Сбой {brand_gen}: общая тема"],
        "support": ["Поддержка {brand_gen} не отвечает"],
        "question": ["Как расшарить папку в {brand_prep}?", "Вопрос по истории версий {brand_gen}"],
        "comparison": [
            "{brand} или {competitor} в {year} году?",
            "Переезд с {competitor} на {brand}",
        ],
        "casual": ["Переезд фотоархива в {brand}"],
        "news": [
            "{brand} повышает цены на подписку с {month}",
            "Масштабный сбой {brand_gen}: пользователи несколько часов были без доступа к файлам",
            "{brand} открывает дата-центр в {city_prep}",
            "{brand} и {competitor} борются за малый бизнес",
        ],
        "noise": ["Средство от акне", "Облачные вычисления и бюджет", "Миграция серверов"],
    },
}

# Long-form noise (articles, blog and forum posts): a title with sentences that fit it.
NOISE_ARTICLES: dict[str, list[tuple[str, list[str]]]] = {
    "en": [
        (
            "Cloud computing costs keep climbing",
            [
                "Companies spent more on cloud computing this year than ever before.",
                "Analysts blame idle GPU clusters and forgotten test environments.",
                "Hot take: most companies don't need multi-cloud.",
            ],
        ),
        (
            "Looney Tunes at 85: why ACME never goes out of style",
            [
                "Wile E. Coyote has been ordering rockets, anvils and rocket skates from the ACME Corporation for decades.",
                "The fictional company's products fail every single time.",
                "Road Runner, of course, never gets caught.",
            ],
        ),
        (
            "Best acne cream?",
            [
                "Looking for an acne cream that doesn't dry out the skin.",
                "My dermatologist suggested something with salicylic acid, any experience?",
            ],
        ),
        (
            "Weekend weather: clouds and rain",
            [
                "Thick clouds will cover most of the country on Saturday.",
                "Expect rain in {city} by the afternoon.",
            ],
        ),
    ],
    "fr": [
        (
            "Le cloud souverain, encore un rapport",
            [
                "Un nouveau rapport plaide pour un cloud souverain européen.",
                "Le sujet revient tous les ans sans que rien ne bouge vraiment.",
            ],
        ),
        (
            "Bip Bip et Coyote : les colis ACME, un classique",
            [
                "Le Coyote commande fusées et enclumes à la société ACME depuis des décennies.",
                "Aucun produit ACME ne fonctionne jamais comme prévu.",
            ],
        ),
        (
            "Crème anti-acné, vos avis ?",
            [
                "Je cherche une crème contre l'acné qui ne dessèche pas la peau.",
                "Des conseils de produits testés ?",
            ],
        ),
        (
            "Météo : un week-end nuageux",
            [
                "Un ciel très nuageux est attendu samedi sur la moitié nord.",
                "Des averses sont prévues à {city} dans l'après-midi.",
            ],
        ),
    ],
    "ru": [
        (
            "Облачные вычисления дорожают",
            [
                "Компании тратят на облачные вычисления всё больше.",
                "Эксперты советуют начать с отключения простаивающих серверов.",
            ],
        ),
        (
            "Хитрый койот и компания ACME",
            [
                "Койот десятилетиями заказывает ракеты и наковальни у компании ACME.",
                "Ни один товар ACME так и не сработал как надо.",
            ],
        ),
        (
            "Средство от акне",
            [
                "Посоветуйте крем от акне, который не сушит кожу.",
                "Пробовал несколько, пока без результата.",
            ],
        ),
        (
            "Погода: облачно, местами дождь",
            ["В выходные ожидается облачная погода.", "В городе {city} к вечеру пройдёт дождь."],
        ),
    ],
}
# Openings of blog posts, before the sentences of their kind.
BLOG_OPENERS: dict[str, list[str]] = {
    "en": [
        "I've been using cloud storage for about ten years now.",
        "A quick write-up of my experience so far.",
        "Our small agency has relied on cloud sync since day one.",
    ],
    "fr": [
        "J'utilise le stockage en ligne depuis une dizaine d'années.",
        "Petit retour d'expérience après quelques mois.",
        "Notre petite agence vit dans la synchro cloud depuis le début.",
    ],
    "ru": [
        "Пользуюсь облачными хранилищами лет десять.",
        "Небольшой отзыв по опыту использования.",
        "Наша небольшая студия живёт в облаке с первого дня.",
    ],
}
# Openings people put before a short post, by the post's sentiment.
DECORATIONS: dict[str, dict[str, list[str]]] = {
    "en": {
        "negative": ["Ugh. ", "Again. ", "Seriously. ", "Not again. ", "Rant: "],
        "positive": ["Small win: ", "Love this. ", "Today's good news: ", "TIL: "],
        "neutral": ["PSA: ", "Serious question: ", "Random thought: ", "Update: "],
    },
    "fr": {
        "negative": ["Pfff. ", "Sérieux… ", "Encore. ", "Coup de gueule : ", "Bon. "],
        "positive": ["Petit bonheur du jour : ", "Top. ", "Bonne nouvelle : ", "Merci ! "],
        "neutral": ["Petite question : ", "Au passage : ", "Mise à jour : ", "Dites-moi : "],
    },
    "ru": {
        "negative": ["Ну вот. ", "Опять. ", "Серьёзно? ", "Наболело. "],
        "positive": ["Приятно. ", "Радость дня: ", "Хорошая новость: "],
        "neutral": ["Вопрос: ", "Кстати, ", "Апдейт: ", "Коллеги, "],
    },
}
# Kinds whose sentences can stand side by side in one post without contradicting each other.
COMBINABLE = frozenset({"sync", "support", "question", "outage", "price", "praise", "news"})

# Replies to an ordinary brand post, and the official account's replies ({user}: the parent).
REPLIES: dict[str, list[str]] = {
    "en": [
        "Same here {since}.",
        "+1, exactly my experience",
        "lol same 😅",
        "This. So much this.",
        "Have you tried signing out and back in? Fixed it for me.",
        "Try clearing the cache folder, worked for me last time",
        "Not seeing this at all, works fine on my {device}",
        "Totally agree, it's been great for us too",
        "It's under Settings > Sync > Selective sync, a bit hidden",
        "Did you open a ticket? Mine got answered in a day.",
        "We moved to {competitor} for that exact reason.",
    ],
    "fr": [
        "Pareil chez moi {since}.",
        "+1, exactement pareil",
        "Mdr pareil 😅",
        "Essaie de te déconnecter puis reconnecter, ça a marché pour moi",
        "Vide le cache, ça avait réglé le souci chez moi",
        "Aucun souci de mon côté sur {device}",
        "Tout à fait d'accord, super outil",
        "C'est dans Paramètres > Synchronisation > Synchro sélective",
        "T'as ouvert un ticket ? Moi ils ont répondu en un jour.",
        "On est passés sur {competitor} exactement pour ça.",
    ],
    "ru": [
        "У меня то же самое {since}.",
        "+1, аналогично",
        "Ахах, та же фигня 😅",
        "Попробуй выйти из аккаунта и зайти снова, мне помогло",
        "Почисти кэш, у меня это решило проблему",
        "У меня всё работает нормально",
        "Полностью согласен",
        "Это в Настройки → Синхронизация → Выборочная",
        "Тикет открыл? Мне ответили за день.",
        "Мы ради этого и ушли на {competitor}.",
    ],
}
SUPPORT_REPLIES: dict[str, list[str]] = {
    "en": [
        "Hi {user}, sorry about this! Could you DM us your account email so we can take a look?",
        "Thanks for the feedback {user}, we've passed it on to the team.",
        "Hi {user}! This is a known issue with the latest update; a fix is rolling out today.",
    ],
    "fr": [
        "Bonjour {user}, désolés pour ce souci ! Pouvez-vous nous écrire en MP avec l'adresse de votre compte ?",
        "Merci pour votre retour {user}, nous transmettons à l'équipe.",
        "Bonjour {user} ! C'est un problème connu de la dernière mise à jour, un correctif arrive aujourd'hui.",
    ],
    "ru": [
        "Здравствуйте, {user}! Извините за неудобства. Напишите нам в личные сообщения почту аккаунта.",
        "Спасибо за отзыв, {user}, передали команде.",
        "{user}, это известная проблема последнего обновления, исправление выйдет сегодня.",
    ],
}

# Bursts: the post that goes viral, and the wave of replies and quotes that follows.
VIRAL: dict[str, dict[str, str]] = {
    "outage": {
        "en": "{brand} is completely down. Can't open ANY of my files and I have a client presentation in an hour. {support} what is going on?? {emoji_neg}",
        "fr": "{brand} est complètement en panne, impossible d'ouvrir le moindre fichier et j'ai une présentation client dans une heure. {support} il se passe quoi ?? {emoji_neg}",
        "ru": "{brand} полностью лежит. Ни один файл не открывается, а у меня через час презентация для клиента. {support}, что происходит?? {emoji_neg}",
    },
    "price": {
        "en": "{brand} just doubled the price of my plan with two weeks' notice. After six years as a paying customer. Done. Moving to {competitor}.",
        "fr": "{brand} vient de doubler le prix de mon abonnement avec deux semaines de préavis. Après six ans comme client. Terminé, je pars chez {competitor}.",
        "ru": "{brand} только что удвоил цену моего тарифа, предупредив за две недели. Шесть лет был платным клиентом. Всё, ухожу на {competitor}.",
    },
    "praise": {
        "en": "{brand} just shipped offline folders and it's exactly what I've wanted for years. Well done! {emoji_pos}",
        "fr": "{brand} vient de sortir les dossiers hors ligne, exactement ce que j'attendais depuis des années. Bravo ! {emoji_pos}",
        "ru": "{brand} наконец выпустил офлайн-папки, ровно то, чего я ждал годами. Молодцы! {emoji_pos}",
    },
}
BURST_REPLIES: dict[str, dict[str, list[str]]] = {
    "outage": {
        "en": [
            "Down for me too in {city}",
            "Same, can't even log in",
            "Status page still says green lol",
            "Thank god it's not just me",
            "Our whole office is stuck",
            "{support} any ETA?",
            "Third outage this quarter. Looking at {competitor} now.",
            "Back up for me now",
        ],
        "fr": [
            "Pareil à {city}",
            "Idem, impossible de me connecter",
            "La page de statut dit toujours que tout va bien 🙄",
            "Ouf, je croyais que c'était moi",
            "Tout le bureau est bloqué",
            "{support} une idée du délai ?",
            "Troisième panne du trimestre, je regarde {competitor}.",
            "Ça remarche chez moi",
        ],
        "ru": [
            "У меня тоже лежит, {city}",
            "Аналогично, даже войти не могу",
            "Статус-страница всё ещё зелёная 🙃",
            "Фух, думал, это у меня",
            "Весь офис стоит",
            "{support} есть сроки?",
            "Третий сбой за квартал, смотрю в сторону {competitor}.",
            "У меня заработало",
        ],
    },
    "price": {
        "en": [
            "Same email here. Cancelled.",
            "Honestly still cheaper than {competitor}",
            "The family plan went up even more",
            "Moved to {competitor} last week, no regrets",
            "{support} is there a discount for long-time customers?",
        ],
        "fr": [
            "Reçu le même mail. Résilié.",
            "Ça reste moins cher que {competitor}, honnêtement",
            "L'offre famille a encore plus augmenté",
            "Passé chez {competitor} la semaine dernière, aucun regret",
            "{support} une remise pour les clients fidèles ?",
        ],
        "ru": [
            "Мне пришло то же письмо. Отписался.",
            "Всё равно дешевле, чем {competitor}",
            "Семейный тариф подорожал ещё сильнее",
            "Переехал на {competitor} на прошлой неделе, не жалею",
        ],
    },
    "praise": {
        "en": [
            "Finally!",
            "Works great on my {device}",
            "Now do it for Linux please",
            "Been waiting for this {emoji_pos}",
        ],
        "fr": [
            "Enfin !",
            "Marche très bien sur mon {device}",
            "Maintenant la version Linux svp",
            "J'attendais ça {emoji_pos}",
        ],
        "ru": [
            "Наконец-то!",
            "Отлично работает {on_device}",
            "Теперь сделайте для Linux",
            "Давно ждал {emoji_pos}",
        ],
    },
}

HASHTAGS: dict[str, list[str]] = {
    "en": ["#AcmeCloud", "#cloud", "#sync", "#backup", "#SaaS", "#tech"],
    "fr": ["#AcmeCloud", "#cloud", "#informatique", "#panne", "#sauvegarde"],
    "ru": ["#AcmeCloud", "#облако", "#сбой", "#бэкап"],
}

SENTIMENT: dict[str, str] = {
    "praise": "positive",
    "sync": "negative",
    "price": "negative",
    "outage": "negative",
    "support": "negative",
    "question": "neutral",
    "comparison": "neutral",
    "casual": "neutral",
    "news": "neutral",
    "noise": "neutral",
    "reply": "neutral",
}

SUBREDDITS: dict[str, list[str]] = {
    "en": ["AcmeCloud", "DataHoarder", "sysadmin", "selfhosted", "techsupport", "software"],
    "fr": ["AcmeCloud", "france", "informatique", "conseiljuridique"],
    "ru": ["AcmeCloud", "ru", "tech_ru", "russia"],
}
FORUM_OPENINGS: dict[str, list[str]] = {
    "en": ["", "", "Hi all,\n\n", "Hello everyone,\n\n"],
    "fr": ["", "Bonjour à tous,\n\n", "Salut,\n\n"],
    "ru": ["", "Всем привет!\n\n", "Коллеги, подскажите.\n\n"],
}
FORUM_CLOSINGS: dict[str, list[str]] = {
    "en": ["", "", "\n\nThanks in advance!"],
    "fr": ["", "\n\nMerci d'avance !", "\n\nBonne journée"],
    "ru": ["", "\n\nЗаранее спасибо!"],
}
