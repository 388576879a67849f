"""Language-assistance taglines printed on every letter: one place for them.

The standard short notice ("free language assistance is available, call ...")
in the languages most spoken in the United States after English, each in its
own words, with the number when the deployment configured one and otherwise
the number on the member's ID card. Every character must be in a font the
letter embeds (DejaVu, Noto Sans CJK; tests/letters/test_tagline_fonts.py reads
the PDF's fonts' cmaps): a tagline of empty boxes would help nobody.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tagline:
    language: str  # the language's English name
    code: str  # BCP 47, so a screen reader reads it in its language
    call: str  # the notice, with {phone} for the configured number
    call_id_card: str  # the notice, pointing to the member's ID card
    rtl: bool = False


TAGLINES = (
    Tagline("Spanish", "es",
            "ATENCIÓN: si habla español, tiene a su disposición servicios gratuitos de "
            "asistencia lingüística. Llame al {phone}.",
            "ATENCIÓN: si habla español, tiene a su disposición servicios gratuitos de "
            "asistencia lingüística. Llame al número que figura en su tarjeta de "
            "identificación de miembro."),
    # Chinese, Korean and Japanese print in Noto Sans CJK, Navajo's letters
    # (ł, nasal vowels with their accents) in DejaVu: bin/install-system-packages
    # installs fonts-noto-cjk and fonts-noto-core, and letter.css names them.
    Tagline("Chinese", "zh-Hant",
            "注意：如果您使用繁體中文，您可以免費獲得語言援助服務。請致電 {phone}。",
            "注意：如果您使用繁體中文，您可以免費獲得語言援助服務。請致電您的會員卡上的電話號碼。"),
    Tagline("Vietnamese", "vi",
            "CHÚ Ý: Nếu bạn nói Tiếng Việt, có các dịch vụ hỗ trợ ngôn ngữ miễn phí dành "
            "cho bạn. Gọi số {phone}.",
            "CHÚ Ý: Nếu bạn nói Tiếng Việt, có các dịch vụ hỗ trợ ngôn ngữ miễn phí dành "
            "cho bạn. Gọi số điện thoại ghi trên thẻ hội viên của bạn."),
    Tagline("Tagalog", "tl",
            "PAUNAWA: Kung nagsasalita ka ng Tagalog, maaari kang gumamit ng mga serbisyo "
            "ng tulong sa wika nang walang bayad. Tumawag sa {phone}.",
            "PAUNAWA: Kung nagsasalita ka ng Tagalog, maaari kang gumamit ng mga serbisyo "
            "ng tulong sa wika nang walang bayad. Tumawag sa numerong nasa iyong ID card "
            "ng miyembro."),
    Tagline("Korean", "ko",
            "주의: 한국어를 사용하시는 경우, 언어 지원 서비스를 무료로 이용하실 수 있습니다. "
            "{phone} 번으로 전화해 주십시오.",
            "주의: 한국어를 사용하시는 경우, 언어 지원 서비스를 무료로 이용하실 수 있습니다. "
            "회원 카드에 있는 번호로 전화해 주십시오."),
    Tagline("Russian", "ru",
            "ВНИМАНИЕ: Если вы говорите на русском языке, то вам доступны бесплатные услуги "
            "перевода. Звоните {phone}.",
            "ВНИМАНИЕ: Если вы говорите на русском языке, то вам доступны бесплатные услуги "
            "перевода. Звоните по номеру, указанному на вашей карточке участника."),
    Tagline("Arabic", "ar",
            "ملحوظة: إذا كنت تتحدث العربية، فإن خدمات المساعدة اللغوية تتوافر لك بالمجان. "
            "اتصل برقم {phone}.",
            "ملحوظة: إذا كنت تتحدث العربية، فإن خدمات المساعدة اللغوية تتوافر لك بالمجان. "
            "اتصل بالرقم الموجود على بطاقة العضوية الخاصة بك.", rtl=True),
    Tagline("Haitian Creole", "ht",
            "ATANSYON: Si w pale Kreyòl Ayisyen, gen sèvis èd pou lang ki disponib gratis "
            "pou ou. Rele {phone}.",
            "ATANSYON: Si w pale Kreyòl Ayisyen, gen sèvis èd pou lang ki disponib gratis "
            "pou ou. Rele nimewo ki sou kat manm ou an."),
    Tagline("French", "fr",
            "ATTENTION : Si vous parlez français, des services d'aide linguistique vous "
            "sont proposés gratuitement. Appelez le {phone}.",
            "ATTENTION : Si vous parlez français, des services d'aide linguistique vous "
            "sont proposés gratuitement. Appelez le numéro figurant sur votre carte de "
            "membre."),
    Tagline("Polish", "pl",
            "UWAGA: Jeżeli mówisz po polsku, możesz skorzystać z bezpłatnej pomocy "
            "językowej. Zadzwoń pod numer {phone}.",
            "UWAGA: Jeżeli mówisz po polsku, możesz skorzystać z bezpłatnej pomocy "
            "językowej. Zadzwoń pod numer podany na Twojej karcie członkowskiej."),
    Tagline("Portuguese", "pt",
            "ATENÇÃO: Se fala português, encontram-se disponíveis serviços linguísticos, "
            "grátis. Ligue para {phone}.",
            "ATENÇÃO: Se fala português, encontram-se disponíveis serviços linguísticos, "
            "grátis. Ligue para o número indicado no seu cartão de membro."),
    Tagline("Italian", "it",
            "ATTENZIONE: In caso la lingua parlata sia l'italiano, sono disponibili servizi "
            "di assistenza linguistica gratuiti. Chiamare il numero {phone}.",
            "ATTENZIONE: In caso la lingua parlata sia l'italiano, sono disponibili servizi "
            "di assistenza linguistica gratuiti. Chiamare il numero indicato sulla tessera "
            "del socio."),
    Tagline("German", "de",
            "ACHTUNG: Wenn Sie Deutsch sprechen, stehen Ihnen kostenlos sprachliche "
            "Hilfsdienstleistungen zur Verfügung. Rufnummer: {phone}.",
            "ACHTUNG: Wenn Sie Deutsch sprechen, stehen Ihnen kostenlos sprachliche "
            "Hilfsdienstleistungen zur Verfügung. Rufen Sie die Nummer auf Ihrer "
            "Mitgliedskarte an."),
    Tagline("Japanese", "ja",
            "注意事項：日本語を話される場合、無料の言語支援をご利用いただけます。"
            "{phone} まで、お電話にてご連絡ください。",
            "注意事項：日本語を話される場合、無料の言語支援をご利用いただけます。"
            "会員カードに記載の番号まで、お電話にてご連絡ください。"),
    # HHS's Navajo tagline; without a configured number it points to the ID
    # card in English, in parentheses (no Navajo wording for it was at hand).
    Tagline("Navajo", "nv",
            "Díí baa akó nínízin: Díí saad bee yáníłti'go Diné Bizaad, saad bee "
            "áká'ánída'áwo'dę́ę́', t'áá jiik'eh, éí ná hólǫ́, kojį' hódíílnih {phone}.",
            "Díí baa akó nínízin: Díí saad bee yáníłti'go Diné Bizaad, saad bee "
            "áká'ánída'áwo'dę́ę́', t'áá jiik'eh, éí ná hólǫ́, kojį' hódíílnih "
            "(the number on your member ID card)."),
    Tagline("Persian", "fa",
            "توجه: اگر به زبان فارسی گفتگو می کنید، تسهیلات زبانی بصورت رایگان برای شما "
            "فراهم می باشد. با {phone} تماس بگیرید.",
            "توجه: اگر به زبان فارسی گفتگو می کنید، تسهیلات زبانی بصورت رایگان برای شما "
            "فراهم می باشد. با شماره درج شده روی کارت عضویت خود تماس بگیرید.", rtl=True),
)


def taglines(phone: str) -> list[dict[str, str]]:
    """The taglines as a letter prints them: each in its language and direction."""
    return [{"language": t.language, "code": t.code, "rtl": t.rtl,
             "text": t.call.format(phone=_isolated(phone, t.rtl)) if phone
             else t.call_id_card}
            for t in TAGLINES]


def _isolated(phone: str, rtl: bool) -> str:
    # In right-to-left text a phone number's groups would be read (and printed)
    # in reverse order; a left-to-right isolate keeps "1-800-555-0123" intact.
    return f"\u2066{phone}\u2069" if rtl else phone
