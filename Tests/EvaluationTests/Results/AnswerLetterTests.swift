import Evaluation
import XCTest

/// The option letter in a generated answer, case by case as the rule in `AnswerLetter`
/// lists them.
final class AnswerLetterTests: XCTestCase {
    private func check(_ text: String, _ expected: Int?, options: Int = 4, line: UInt = #line) {
        XCTAssertEqual(AnswerLetter.parse(text, optionCount: options), expected, "\(text.debugDescription)", line: line)
    }

    func testBareAndMarkedLetters() {
        check("B", 1)
        check("B.", 1)
        check("B)", 1)
        check("(B)", 1)
        check("**B**", 1)
        check("**B.**", 1)
        check("B. Aorta", 1)
        check("(C) Aorta", 2)
        check("  \n\n D", 3)
        check("\n**A.** The aorta", 0)
        check("[C]", 2)
        check("Option C", 2)
    }

    func testAnswerPhrases() {
        check("Answer: B", 1)
        check("The answer is B.", 1)
        check("The correct answer is (C) Aorta", 2)
        check("answer is: D", 3)
        check("**Answer:** B", 1)
        check("The answer is option B", 1)
        check("The answer is **C**.", 2)
        check("answer is A", 0)
        check("Let me think about each option.\nA is wrong, B is wrong.\nThe answer is D", 3)
        check("Final answer:\nC", 2)
    }

    func testLowerCaseOnlyWhenItCannotBeAWord() {
        check("answer: c", 2)
        check("The answer is b.", 1)
        check("c", 2)
        check("(c)", 2)
        check("The answer is a pneumothorax.", nil)
        check("a. fumigatus is the cause", nil)
    }

    func testTheArticleAndThePronounAreNotOptions() {
        check("A 45-year-old man with chest pain most likely has C", nil)
        check("A 45-year-old man…\nThe answer is C.", 2)
        check("I think it is B.", nil, options: 10)
        check("A. The aorta", 0)
        check("A)", 0)
        check("(A)", 0)
        check("A", 0)
    }

    func testLettersOutOfRangeArePassedOver() {
        check("E", nil)
        check("Answer: E", nil)
        check("E.\nB.", 1)
        check("The answer is E. Correction: the answer is B.", 1)
        check("E", 4, options: 5)
        check("Answer: Bronchiectasis", nil)
        check("answers: B", nil)  // not the word "answer", and the line starts with no letter alone
    }

    /// A base model that repeats the question lists the options: that names none of them,
    /// unless an answer phrase follows.
    func testAListOfTheOptionsIsNoChoice() {
        check("Which nerve?\nA. Oculomotor\nB. Trochlear\nC. Abducens", nil)
        check("A. Oculomotor\nB. Trochlear\nAnswer: C", 2)
        check("C. Abducens\nC. is the nerve of the lateral rectus.", 2)
    }

    func testNothingToFind() {
        check("", nil)
        check("I cannot tell from this image.", nil)
        check("B", nil, options: 0)
    }
}
